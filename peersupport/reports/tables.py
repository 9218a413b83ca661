"""The report tables: a registry of name, title, columns and a query grouped in the database.

Every table counts by row x column x month (in settings.TIME_ZONE), so that suppression can see
every month, quarter and year anyone can request (`layout.Grid`). The counts come from what the
retention purge keeps (category, state, answers, dates by month, encounter minutes, resource
categories), so a table reads the same before and after a purge.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Case as When_
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404

from peersupport.cases.models import Case, CaseState, Encounter, OutreachAttempt, ResourceShare, ResponseRecord
from peersupport.program.models import ProgramSettings
from peersupport.referrals.models import Category, Referral
from peersupport.reports.layout import Grid, Key
from peersupport.reports.models import SuppressionResult
from peersupport.reports.periods import Kind, Period, month_range, parse_slug
from peersupport.resources.models import ResourceCategory

# One count per (row key, column key, first day of the month).
Counts = dict[tuple[str, str, date], int]
Value_ = int | str


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    rows: list[tuple[str, str]]
    columns: list[tuple[str, str]]
    counts: Callable[[], Counts]
    # The last column is the row's total of the others.
    with_total_column: bool = True
    # Columns that are not counts (minutes): hidden wherever the column they follow is.
    follows: dict[str, str] = field(default_factory=dict)
    unit: str = "clinicians"


@dataclass(frozen=True)
class Row:
    label: str
    values: list[Value_]


@dataclass(frozen=True)
class Result:
    table: Table
    period: Period
    threshold: int
    columns: list[str]
    rows: list[Row]
    total: Row

    @property
    def hidden_mark(self) -> str:
        return f"<{self.threshold}"


def _month(value: date | datetime) -> date:
    return (value.date() if isinstance(value, datetime) else value).replace(day=1)


def _grouped(queryset: QuerySet[Any], row: str, column: str, month: str, measure: Any = None) -> Counts:
    rows = (queryset.annotate(_month=TruncMonth(month)).order_by()
            .values(row, column, "_month").annotate(n=measure if measure is not None else Count("pk")))
    counts: Counts = defaultdict(int)
    for item in rows:
        counts[(str(item[row]), str(item[column]), _month(item["_month"]))] += int(item["n"] or 0)
    return counts


def case_outcomes() -> QuerySet[Case]:
    """Each case with its outcome: accepted, declined, unreachable or still open. A closed case's
    outcome is the peer's last answer (none, or no response: unreachable)."""
    last_answer = Subquery(ResponseRecord.objects.filter(case=OuterRef("pk"))
                           .order_by("-recorded_at", "-pk").values("response")[:1])
    return Case.objects.annotate(outcome=When_(
        When(state=CaseState.ACCEPTED, then=Value("accepted")),
        When(state=CaseState.DECLINED, then=Value("declined")),
        When(state=CaseState.UNREACHABLE, then=Value("unreachable")),
        When(state=CaseState.CLOSED, then=Coalesce(last_answer, Value("no_response"))),
        default=Value("open"),
    )).annotate(outcome_column=When_(
        When(outcome="no_response", then=Value("unreachable")), default=F("outcome"),
    ))


def _outcomes_by_category() -> Counts:
    return _grouped(case_outcomes(), "referral__category", "outcome_column", "created_at")


def _referrals_and_reach() -> Counts:
    counts: Counts = defaultdict(int)
    referrals = (Referral.objects.annotate(_month=TruncMonth("received_at")).order_by()
                 .values("category", "_month").annotate(n=Count("pk")))
    for item in referrals:
        counts[(item["category"], "referrals", _month(item["_month"]))] += item["n"]
    cases = (Case.objects.annotate(
        _month=TruncMonth("created_at"),
        reached=Exists(OutreachAttempt.objects.filter(case=OuterRef("pk"))),
    ).order_by().values("referral__category", "reached", "_month").annotate(n=Count("pk")))
    for item in cases:
        if item["reached"]:
            counts[(item["referral__category"], "reached", _month(item["_month"]))] += item["n"]
    return counts


def _encounters_by_category() -> Counts:
    encounters = Encounter.objects.all()
    counts: Counts = defaultdict(int)
    grouped = (encounters.annotate(_month=TruncMonth("held_on")).order_by()
               .values("case__referral__category", "_month")
               .annotate(n=Count("pk"), minutes=Sum("minutes")))
    for item in grouped:
        month = _month(item["_month"])
        counts[(item["case__referral__category"], "encounters", month)] += item["n"]
        counts[(item["case__referral__category"], "minutes", month)] += item["minutes"] or 0
    return counts


def _resources_by_category() -> Counts:
    shares = ResourceShare.objects.annotate(
        kind=When_(When(facilitated=True, then=Value("connected")), default=Value("shared"))
    )
    return _grouped(shares, "resource__category", "kind", "shared_at")


CATEGORIES = [(c.value, c.label) for c in Category]
OUTCOMES = [("accepted", "Accepted"), ("declined", "Declined"), ("unreachable", "Unreachable"),
            ("open", "Open"), ("total", "Total")]

TABLES: dict[str, Table] = {table.name: table for table in [
    Table(
        name="outcomes_by_category",
        title="Outcomes by event category",
        description="Clinicians offered support in the period (by the month their case opened), "
                    "by the kind of event and how the offer ended so far.",
        rows=CATEGORIES, columns=OUTCOMES, counts=_outcomes_by_category,
    ),
    Table(
        name="referrals_by_category",
        title="Referrals and clinicians reached",
        # The clinicians referred are the outcomes table's totals: published once, there, so
        # that the two tables cannot be set against each other to reveal a hidden one.
        description="Referrals received, and the clinicians the team reached out to, by the kind "
                    "of event (the clinicians referred are the outcomes table's totals).",
        rows=CATEGORIES,
        columns=[("referrals", "Referrals"), ("reached", "Clinicians reached")],
        counts=_referrals_and_reach, with_total_column=False,
    ),
    Table(
        name="encounters_by_category",
        title="Support conversations and minutes",
        description="Conversations held by supporters in the period and their minutes, by the "
                    "kind of event.",
        rows=CATEGORIES, columns=[("encounters", "Conversations"), ("minutes", "Minutes")],
        counts=_encounters_by_category, with_total_column=False, follows={"minutes": "encounters"},
        unit="conversations",
    ),
    Table(
        name="resources_by_category",
        title="Resource connections",
        description="Resources supporters shared with peers, and the warm hand-offs they "
                    "arranged, by the kind of resource.",
        rows=[(c.value, c.label) for c in ResourceCategory],
        columns=[("shared", "Shared"), ("connected", "Warm hand-offs"), ("total", "Total")],
        counts=_resources_by_category, unit="resources",
    ),
]}


def table_get(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise Http404(f"There is no report table named {name!r}; GET /api/v1/reports lists them.") from None


def _grid(table: Table, period: Period, threshold: int) -> tuple[Grid, Counts, list[Period]]:
    counts = table.counts()
    first = min([month for (_, _, month) in counts] + [period.start, period.previous().start])
    last = max([month for (_, _, month) in counts] + [period.end])
    months = month_range(Period(date(first.year, 1, 1), Kind.MONTH),
                         Period(date(last.year, 12, 1), Kind.MONTH))
    count_columns = [key for key, _ in table.columns
                     if key != "total" and key not in table.follows]
    row_keys = [key for key, _ in table.rows]
    grid = Grid(
        months=months, rows=len(row_keys), columns=len(count_columns),
        counts=[[[counts.get((r, c, m.start), 0) for m in months] for c in count_columns] for r in row_keys],
        threshold=threshold, with_row_totals=table.with_total_column,
    )
    return grid, counts, months


def table_results(table: Table, periods: list[Period], threshold: int | None = None) -> list[Result]:
    """The table for each period, suppressed together (one grid over every year involved)."""
    threshold = threshold or ProgramSettings.current().small_count_threshold
    grid, counts, months = _grid(table, max(periods), threshold)
    if min(periods).start < months[0].start:
        grid, counts, months = _grid(table, min(periods), threshold)
    return [_result(table, grid, counts, period, threshold) for period in periods]


def table_result(table: Table, period: Period, threshold: int | None = None) -> Result:
    return table_results(table, [period], threshold)[0]


def _order(key: Key) -> tuple[Period, int, int]:
    period, row, column = key
    return period, -1 if row is None else row, -1 if column is None else column


class DatabaseStore:
    """Worked-out years kept in the database (`SuppressionResult`), shared by every process."""

    def get(self, key: str) -> frozenset[Key] | None:
        row = SuppressionResult.objects.filter(key=key).values_list("hidden", flat=True).first()
        if row is None:
            return None
        return frozenset((parse_slug(slug), r, c) for slug, r, c in row)

    def put(self, key: str, hidden: frozenset[Key]) -> None:
        SuppressionResult.objects.bulk_create(
            [SuppressionResult(key=key, hidden=[[p.slug, r, c] for p, r, c in sorted(hidden, key=_order)])],
            ignore_conflicts=True,  # two requests at once worked out the same year
        )


def _result(table: Table, grid: Grid, counts: Counts, period: Period, threshold: int) -> Result:
    hidden = grid.hidden_keys_with(DatabaseStore())
    count_columns = [key for key, _ in table.columns if key != "total" and key not in table.follows]
    row_keys = [key for key, _ in table.rows]
    month_starts = [m.start for m in period.months()]

    def value(row: int | None, column_key: str) -> Value_:
        rows = row_keys if row is None else [row_keys[row]]
        if column_key == "total":
            key: Key = (period, row, None)
            columns = count_columns
        else:
            source = table.follows.get(column_key, column_key)
            key = (period, row, count_columns.index(source))
            columns = [column_key]
        if key in hidden:
            return f"<{threshold}"
        return sum(counts.get((r, c, m), 0) for r in rows for c in columns for m in month_starts)

    rows = [Row(label, [value(index, key) for key, _ in table.columns])
            for index, (_, label) in enumerate(table.rows)]
    total = Row("Total", [value(None, key) for key, _ in table.columns])
    return Result(table=table, period=period, threshold=threshold,
                  columns=[key for key, _ in table.columns], rows=rows, total=total)
