"""Server-side SVG bar charts of a report table: this period beside the previous one.

No script and no color alone: this period's bars are solid, the previous period's are outlined
with a hatch, every bar has its number written beside it, and a hidden count is written as the
threshold mark with no bar. The table under each chart is its text alternative; the chart's own
title and description (its `<title>` and `<desc>`) are in the reader's language too.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from peersupport.reports.tables import Result

WIDTH = 640
LABEL_WIDTH = 170
BAR_AREA = WIDTH - LABEL_WIDTH - 70
BAR_HEIGHT = 14
GROUP_GAP = 12


@dataclass(frozen=True)
class Bar:
    y: int
    width: int
    text: str
    text_x: int
    current: bool


@dataclass(frozen=True)
class Group:
    label: str
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    height: int
    label_width: int
    groups: list[Group]


def chart_column(result: Result) -> int:
    """The column a table's chart shows: its total if it has one, else its first."""
    return result.columns.index("total") if "total" in result.columns else 0


def bar_chart(current: Result, previous: Result) -> Chart:
    column = chart_column(current)
    name = gettext(current.table.columns[column][1]).lower()
    numbers = [v for r in (current, previous) for row in r.rows
               for v in [row.values[column]] if isinstance(v, int)]
    top = max(numbers, default=0) or 1
    groups: list[Group] = []
    y = 8
    for now_row, before_row in zip(current.rows, previous.rows, strict=True):
        bars = []
        for value, is_current in ((now_row.values[column], True), (before_row.values[column], False)):
            width = round(BAR_AREA * value / top) if isinstance(value, int) else 0
            text = str(value) if isinstance(value, int) else hidden_text(value)
            bars.append(Bar(y=y, width=width, text=text, text_x=LABEL_WIDTH + width + 6, current=is_current))
            y += BAR_HEIGHT + 2
        groups.append(Group(label=gettext(now_row.label), label_y=y - BAR_HEIGHT - 4, bars=bars))
        y += GROUP_GAP
    return Chart(
        title=gettext("%(table)s: %(column)s, %(period)s beside %(previous)s") % {
            "table": gettext(current.table.title), "column": name, "period": current.period.label,
            "previous": previous.period.label},
        description=describe(groups, current.period.label, previous.period.label), height=y,
        label_width=LABEL_WIDTH, groups=groups,
    )


def hidden_text(value: str) -> str:
    """A hidden figure as a bar's text says it: "<11 (hidden)"."""
    return gettext("%(mark)s (hidden)") % {"mark": value}


def describe(groups: list[Group], period: str, previous: str) -> str:
    """The chart in words, bar by bar: its text alternative."""
    return "; ".join(gettext("%(label)s: %(now)s in %(period)s, %(before)s in %(previous)s") % {
        "label": g.label, "now": g.bars[0].text, "period": period, "before": g.bars[1].text, "previous": previous}
        for g in groups) + "."
