"""Server-side SVG bar charts of a report table: this period beside the previous one.

No script and no color alone: this period's bars are solid, the previous period's are outlined
with a hatch, every bar has its number written beside it, and a hidden count is written as the
threshold mark with no bar. The table under each chart is its text alternative.
"""

from dataclasses import dataclass

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
    name = current.table.columns[column][1].lower()
    numbers = [v for r in (current, previous) for row in r.rows
               for v in [row.values[column]] if isinstance(v, int)]
    top = max(numbers, default=0) or 1
    groups: list[Group] = []
    y = 8
    for now_row, before_row in zip(current.rows, previous.rows, strict=True):
        bars = []
        for value, is_current in ((now_row.values[column], True), (before_row.values[column], False)):
            width = round(BAR_AREA * value / top) if isinstance(value, int) else 0
            text = str(value) if isinstance(value, int) else f"{value} (hidden)"
            bars.append(Bar(y=y, width=width, text=text, text_x=LABEL_WIDTH + width + 6, current=is_current))
            y += BAR_HEIGHT + 2
        groups.append(Group(label=now_row.label, label_y=y - BAR_HEIGHT - 4, bars=bars))
        y += GROUP_GAP
    description = "; ".join(
        f"{g.label}: {g.bars[0].text} in {current.period.label}, {g.bars[1].text} in {previous.period.label}"
        for g in groups
    )
    return Chart(
        title=f"{current.table.title}: {name}, {current.period.label} beside {previous.period.label}",
        description=description + ".", height=y, label_width=LABEL_WIDTH, groups=groups,
    )
