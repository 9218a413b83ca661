"""What the reports pages show: the periods on offer, and each table beside the previous period."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Min
from django.utils import timezone

from peersupport.cases.models import Case
from peersupport.referrals.models import Referral
from peersupport.reports.charts import Chart, bar_chart
from peersupport.reports.measure_pages import shown
from peersupport.reports.measures import MEASURES, Measure
from peersupport.reports.periods import Kind, Period, month_of
from peersupport.reports.tables import Result, Table, Value_, table_result, table_results, tables_grouped_by
from peersupport.reports.team_measures import team_values

if TYPE_CHECKING:
    from peersupport.reports.scope import ReportScope


@dataclass(frozen=True)
class Section:
    current: Result
    previous: Result
    chart: Chart


def first_data_year() -> int:
    today = timezone.localdate()
    firsts = [Case.objects.aggregate(first=Min("created_at"))["first"],
              Referral.objects.aggregate(first=Min("received_at"))["first"]]
    years = [timezone.localtime(first).year for first in firsts if first is not None]
    return min(years, default=today.year)


def periods_offered() -> list[Period]:
    """Every year, quarter and month from the first with data to now, the latest first."""
    today = timezone.localdate()
    this_month = month_of(today)
    offered: list[Period] = []
    for year in range(today.year, first_data_year() - 1, -1):
        offered.append(Period(date(year, 1, 1), Kind.YEAR))
        for quarter in range(4, 0, -1):
            q = Period(date(year, quarter * 3 - 2, 1), Kind.QUARTER)
            if q.start <= this_month.start:
                offered.append(q)
        for month in range(12, 0, -1):
            m = Period(date(year, month, 1), Kind.MONTH)
            if m.start <= this_month.start:
                offered.append(m)
    return offered


def default_period() -> Period:
    return Period(date(timezone.localdate().year, 1, 1), Kind.YEAR)


def report_sections(period: Period, group: str = "category", program: int | None = None) -> list[Section]:
    """One section per family: its table for the "Group by" choice (event category, role, ...),
    of one program (its id) or across every program (None)."""
    sections = []
    for table in tables_grouped_by(group):
        current, previous = table_results(table, [period, period.previous()], program)
        sections.append(Section(current=current, previous=previous, chart=bar_chart(current, previous)))
    return sections


@dataclass(frozen=True)
class SideBySide:
    """One table's "Total" row for each program and across programs: the system leader's view."""

    table: "Table | Measure"
    columns: list[str]
    rows: list[tuple[str, str, list[Value_]]]  # (program's short name, its name, its totals)
    threshold: int


def side_by_side(period: Period, group: str, scopes: "Sequence[ReportScope]") -> list[SideBySide]:
    """Each family's table for the "Group by" choice: every scope's totals for the period, each
    figure as its own table publishes it (suppressed with all of them as one)."""
    found = []
    for table in tables_grouped_by(group):
        results = [(scope, table_result(table, period, scope.program_id)) for scope in scopes]
        found.append(SideBySide(
            table=table, columns=[key for key, _ in table.columns],
            rows=[(scope.slug, scope.name, result.total.values) for scope, result in results],
            threshold=max(result.threshold for _, result in results),
        ))
    return found


def team_side_by_side(period: Period, scopes: "Sequence[ReportScope]") -> SideBySide:
    """The team table of each program and across programs, for the period. The team's counts are
    shown as they are (they describe the program's own supporters, not the peers); a rate behind
    fewer than the scope's threshold is hidden (`team_measures`)."""
    team = MEASURES["team"]
    columns = [key for key, _ in team.columns]
    rows: list[tuple[str, str, list[Value_]]] = []
    for scope in scopes:
        values = team_values(period, scope.threshold, scope.program_id)
        rows.append((scope.slug, scope.name, [shown(key, value) for key, value in zip(columns, values, strict=True)]))
    return SideBySide(table=team, columns=columns, rows=rows,
                      threshold=max((scope.threshold for scope in scopes), default=0))
