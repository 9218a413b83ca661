"""Report tables of figures that are not counts: the time to each first step, and the team.

A second registry beside `tables.TABLES` (whose counts are suppressed jointly): the page, the
exports and the API read both. These tables publish no count of peers: a timing figure is a
median, a 90th percentile or a whole percent of the cases behind it, and it is shown only when
that number of cases (its denominator) reaches the program's threshold; otherwise it is "<11".

Timing: cases count in the month they opened (program time zone), as in the outcomes table.
`Case.minutes_to_assignment` and `minutes_to_first_outreach` are kept through the retention
purge, so the figures read the same before and after it. Only the requested periods' cases are
read, one query per period, and the percentiles are worked out in Python.
"""

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_noop

from peersupport.cases.models import Case
from peersupport.program.models import ProgramSettings
from peersupport.referrals.models import Category
from peersupport.reports.periods import Period, period_bounds
from peersupport.reports.rates import rate_or_mark
from peersupport.reports.team_measures import TEAM_COLUMNS, TEAM_DESCRIPTION, TEAM_ROW, team_values
from peersupport.roster.models import RoleType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Value = int | str
NOT_RECORDED = gettext_noop("Not recorded")


@dataclass(frozen=True)
class Row:
    label: str
    values: list[Value]


@dataclass(frozen=True)
class Measure:
    name: str
    title: str
    description: str
    columns: list[tuple[str, str]]
    # The results for each period (one set of rows for all of them), at a threshold.
    # One program's cases (its id), or every program's (None).
    compute: "Callable[[Measure, list[Period], int, int | None], list[MeasureResult]]"
    # How the page shows it: "timing" or "team".
    kind: str
    # The suppression rule in words, for the exports ({threshold}, {mark}).
    rule: str = gettext_noop("Minutes from the case opening. A figure behind fewer than {threshold} cases "
                             "shows as {mark}.")


@dataclass(frozen=True)
class MeasureResult:
    table: Measure
    period: Period
    threshold: int
    columns: list[str]
    rows: list[Row]
    total: Row

    @property
    def hidden_mark(self) -> str:
        return f"<{self.threshold}"


# --- Timing ---------------------------------------------------------------------------------

TIMING_COLUMNS = [
    ("assignment_median_minutes", gettext_noop("To assignment: median")),
    ("assignment_p90_minutes", gettext_noop("To assignment: 90th percentile")),
    ("assignment_within_target_percent", gettext_noop("Assigned within target (%)")),
    ("outreach_median_minutes", gettext_noop("To first outreach: median")),
    ("outreach_p90_minutes", gettext_noop("To first outreach: 90th percentile")),
    ("outreach_within_target_percent", gettext_noop("First outreach within target (%)")),
]


@dataclass(frozen=True)
class CaseTimes:
    """What the timing tables read of one case."""

    category: str
    role: str
    department: str
    site: str
    to_assignment: int | None
    to_outreach: int | None

    def key(self, dimension: str) -> str:
        return str(getattr(self, dimension))


def median(values: Sequence[int]) -> int:
    """The middle value (of an even number, the mean of the two middle ones, rounded half up)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle] + 1) // 2


def percentile(values: Sequence[int], p: int) -> int:
    """The nearest-rank percentile: the smallest value at or under which at least p% of them lie."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p * len(ordered) / 100))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Targets:
    assignment_minutes: int
    outreach_minutes: int  # from the assignment, as the program's setting counts it

    @classmethod
    def for_program(cls, program_id: int | None) -> "Targets":
        """The program's targets (None: the default program's, for the tables across programs)."""
        program = ProgramSettings.current() if program_id is None else ProgramSettings.for_program(program_id)
        return cls(program.assignment_due_hours * 60, program.first_outreach_due_hours * 60)


def timing_values(cases: Sequence[CaseTimes], targets: Targets, threshold: int) -> list[Value]:
    """One row's six figures. Each part counts the cases whose step has happened; with fewer of
    them than the threshold, its three figures are the threshold mark."""
    mark = f"<{threshold}"
    assigned = [c.to_assignment for c in cases if c.to_assignment is not None]
    reached = [c for c in cases if c.to_outreach is not None]
    out: list[Value] = []
    if len(assigned) >= threshold:
        within = sum(1 for m in assigned if m <= targets.assignment_minutes)
        out += [median(assigned), percentile(assigned, 90), rate_or_mark(within, len(assigned), threshold)]
    else:
        out += [mark, mark, mark]
    if len(reached) >= threshold:
        minutes = [c.to_outreach for c in reached if c.to_outreach is not None]
        # The target counts from the assignment (from the opening when there was none).
        within = sum(1 for c in reached
                     if (c.to_outreach or 0) - (c.to_assignment or 0) <= targets.outreach_minutes)
        out += [median(minutes), percentile(minutes, 90), rate_or_mark(within, len(reached), threshold)]
    else:
        out += [mark, mark, mark]
    return out


def case_times(period: Period, program: int | None = None) -> list[CaseTimes]:
    """The period's cases (by the month they opened) of one program or every one, one query, the
    facts the timing reads."""
    start, end = period_bounds(period)
    cases = Case.objects.filter(created_at__gte=start, created_at__lt=end)
    if program is not None:
        cases = cases.filter(program_id=program)
    rows = (cases.order_by()
            .values_list("referral__category", "peer_role", "peer_department", "peer_site",
                         "minutes_to_assignment", "minutes_to_first_outreach"))
    return [CaseTimes(*row) for row in rows.iterator(chunk_size=5000)]


@dataclass(frozen=True)
class Dimension:
    key: str  # a CaseTimes field
    title: str
    # Fixed rows (value, label), or None: the values found, in order, blank as "Not recorded".
    choices: "tuple[tuple[str, StrOrPromise], ...] | None"


def _rows(dimension: Dimension, found: Iterable[str]) -> list[tuple[str, str]]:
    found = set(found)
    if dimension.choices is not None:
        rows = [(value, str(label)) for value, label in dimension.choices]
        extra = sorted(found - {value for value, _ in rows} - {""})
        rows += [(value, value) for value in extra]
    else:
        rows = [(value, value) for value in sorted(found - {""}, key=str.casefold)]
    if "" in found:
        rows.append(("", NOT_RECORDED))
    return rows


def timing_results(measure: Measure, periods: list[Period], threshold: int, program: int | None = None,
                   times: dict[Period, list[CaseTimes]] | None = None,
                   targets: Targets | None = None) -> list[MeasureResult]:
    """The timing table for each period, with the same rows (every value seen in any of them)."""
    dimension = TIMING_DIMENSIONS[measure.name]
    targets = targets or Targets.for_program(program)
    times = times if times is not None else {}
    for period in periods:
        if period not in times:
            times[period] = case_times(period, program)
    rows = _rows(dimension, {c.key(dimension.key) for p in periods for c in times[p]})
    results = []
    for period in periods:
        by_value: dict[str, list[CaseTimes]] = {}
        for case in times[period]:
            by_value.setdefault(case.key(dimension.key), []).append(case)
        results.append(MeasureResult(
            table=measure, period=period, threshold=threshold, columns=[key for key, _ in measure.columns],
            rows=[Row(label, timing_values(by_value.get(value, []), targets, threshold)) for value, label in rows],
            total=Row("Total", timing_values(times[period], targets, threshold)),
        ))
    return results


# The titles `_timing_measure` writes, marked for translation (the pages translate them).
TIMING_TITLES = (
    gettext_noop("Time to assignment and first outreach by event category"),
    gettext_noop("Time to assignment and first outreach by professional role"),
    gettext_noop("Time to assignment and first outreach by department"),
    gettext_noop("Time to assignment and first outreach by site"),
)
TIMING_DIMENSIONS = {
    "timing_by_category": Dimension("category", "event category",
                                    tuple((value, str(label)) for value, label in Category.choices)),
    "timing_by_role": Dimension("role", "professional role", tuple(RoleType.choices)),
    "timing_by_department": Dimension("department", "department", None),
    "timing_by_site": Dimension("site", "site", None),
}


def _timing_measure(name: str) -> Measure:
    dimension = TIMING_DIMENSIONS[name]
    return Measure(
        name=name,
        title=f"Time to assignment and first outreach by {dimension.title}",
        description=f"Minutes from a case opening to its first assignment and to its first outreach "
                    f"(median and 90th percentile), and the share within the program's targets, by "
                    f"{dimension.title}, for the cases opened in the period. A figure behind fewer cases "
                    f"than the threshold is hidden.",
        columns=TIMING_COLUMNS, compute=timing_results, kind="timing",
    )


def _team_results(measure: Measure, periods: list[Period], threshold: int,
                  program: int | None = None) -> list[MeasureResult]:
    """One row, the team's; its total is the same (the API's shape has a total)."""
    results = []
    for period in periods:
        values = team_values(period, threshold, program)
        results.append(MeasureResult(table=measure, period=period, threshold=threshold,
                                     columns=[key for key, _ in measure.columns],
                                     rows=[Row(TEAM_ROW, values)], total=Row("Total", values)))
    return results


MEASURES: dict[str, Measure] = {m.name: m for m in [
    *(_timing_measure(name) for name in TIMING_DIMENSIONS),
    Measure(name="team", title=gettext_noop("The team"), description=TEAM_DESCRIPTION, columns=TEAM_COLUMNS,
            compute=_team_results, kind="team",
            rule=gettext_noop("Counts of the program's own team. A rate on fewer than {threshold} shows as {mark}.")),
]}


def measure_results(measure: Measure, periods: list[Period], threshold: int | None = None,
                    program: int | None = None) -> list[MeasureResult]:
    """The measure for each period: one program's (its id) or every program's (None)."""
    threshold = threshold or ProgramSettings.for_program(program).small_count_threshold
    return measure.compute(measure, periods, threshold, program)


def measure_result(measure: Measure, period: Period, threshold: int | None = None,
                   program: int | None = None) -> MeasureResult:
    return measure_results(measure, [period], threshold, program)[0]


def hours_and_minutes(minutes: Value) -> str:
    """2 h 5 min, 45 min; a hidden figure as it is."""
    if not isinstance(minutes, int):
        return minutes
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
