"""The timing and team sections of the reports page: each table beside the previous period, the
figures written as people read them (2 h 5 min, 85%), and the timing chart.

The chart is server-side SVG like `charts.py`: the program's total time to each step, this
period's bars solid and the previous period's hatched, each with its figure written beside it;
a hidden figure is written as the threshold mark with no bar. The tables are its text
alternative.
"""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext

from peersupport.program.models import ProgramSettings
from peersupport.reports.charts import (
    BAR_AREA,
    BAR_HEIGHT,
    GROUP_GAP,
    LABEL_WIDTH,
    Bar,
    Chart,
    Group,
    describe,
    hidden_text,
)
from peersupport.reports.measures import (
    MEASURES,
    TIMING_DIMENSIONS,
    CaseTimes,
    MeasureResult,
    Targets,
    Value,
    hours_and_minutes,
    measure_results,
    timing_results,
)
from peersupport.reports.periods import Period

CHARTED = ["assignment_median_minutes", "assignment_p90_minutes", "outreach_median_minutes", "outreach_p90_minutes"]


def shown(column: str, value: Value) -> str:
    """A figure as the page writes it."""
    if isinstance(value, str):
        return value
    if column.endswith("_minutes"):
        return hours_and_minutes(value)
    if column.endswith("_percent"):
        return f"{value}%"
    return number_format(value, force_grouping=True)


@dataclass(frozen=True)
class ShownRow:
    label: str
    values: list[str]


@dataclass(frozen=True)
class ShownTable:
    name: str
    title: str
    description: str
    columns: list[str]
    rows: list[ShownRow]
    total: ShownRow
    previous_total: ShownRow


@dataclass(frozen=True)
class TeamLine:
    label: str
    current: str
    previous: str


@dataclass(frozen=True)
class MeasuresPage:
    threshold: int
    assignment_hours: int
    outreach_hours: int
    timing: list[ShownTable]
    chart: Chart
    team: list[TeamLine]
    team_description: str


def _shown_row(result: MeasureResult, label: str, values: list[Value]) -> ShownRow:
    return ShownRow(label, [shown(column, value) for column, value in zip(result.columns, values, strict=True)])


def _table(current: MeasureResult, previous: MeasureResult) -> ShownTable:
    return ShownTable(
        name=current.table.name, title=current.table.title, description=current.table.description,
        columns=[label for _, label in current.table.columns],
        rows=[_shown_row(current, row.label, row.values) for row in current.rows],
        total=_shown_row(current, "Total", current.total.values),
        previous_total=_shown_row(previous, f"Total, {previous.period.label}", previous.total.values),
    )


def timing_chart(current: MeasureResult, previous: MeasureResult) -> Chart:
    labels = dict(current.table.columns)
    indexes = [current.columns.index(key) for key in CHARTED]
    numbers = [v for r in (current, previous) for i in indexes for v in [r.total.values[i]] if isinstance(v, int)]
    top = max(numbers, default=0) or 1
    groups: list[Group] = []
    y = 8
    for key, index in zip(CHARTED, indexes, strict=True):
        bars = []
        for value, is_current in ((current.total.values[index], True), (previous.total.values[index], False)):
            width = round(BAR_AREA * value / top) if isinstance(value, int) else 0
            text = hours_and_minutes(value) if isinstance(value, int) else hidden_text(value)
            bars.append(Bar(y=y, width=width, text=text, text_x=LABEL_WIDTH + width + 6, current=is_current))
            y += BAR_HEIGHT + 2
        groups.append(Group(label=gettext(labels[key]), label_y=y - BAR_HEIGHT - 4, bars=bars))
        y += GROUP_GAP
    return Chart(title=gettext("Time to assignment and first outreach, all cases, %(period)s beside %(previous)s")
                 % {"period": current.period.label, "previous": previous.period.label},
                 description=describe(groups, current.period.label, previous.period.label), height=y,
                 label_width=LABEL_WIDTH, groups=groups)


def measures_page(period: Period, group: str = "category", program_id: int | None = None,
                  threshold: int | None = None) -> MeasuresPage:
    """The timing table of the page's "Group by" choice and the team, for the period beside the
    previous one, of one program (its id) or every program (None: at `threshold`, the combined
    view's, and the default program's targets). The cases of each period are read once."""
    program = ProgramSettings.for_program(program_id)
    threshold = threshold or program.small_count_threshold
    periods = [period, period.previous()]
    targets = Targets(program.assignment_due_hours * 60, program.first_outreach_due_hours * 60)
    times: dict[Period, list[CaseTimes]] = {}
    timing_measures = [measure for measure in MEASURES.values() if measure.kind == "timing"
                       and TIMING_DIMENSIONS[measure.name].key == group] or [MEASURES["timing_by_category"]]
    results = [timing_results(measure, periods, threshold, program_id, times=times, targets=targets)
               for measure in timing_measures]
    timing = [_table(current, previous) for current, previous in results]
    # Every timing table has the same Total: the chart shows it once.
    chart = timing_chart(*results[0])
    team = MEASURES["team"]
    now, before = measure_results(team, periods, threshold, program_id)
    lines = [TeamLine(label, shown(key, a), shown(key, b))
             for (key, label), a, b in zip(team.columns, now.total.values, before.total.values, strict=True)]
    return MeasuresPage(threshold=threshold, assignment_hours=program.assignment_due_hours,
                        outreach_hours=program.first_outreach_due_hours, timing=timing, chart=chart,
                        team=lines, team_description=team.description)
