"""The report tables: a registry of name, title, columns and the family whose records it counts.

A family (outcomes, referrals, encounters, resources) is one query grouped in the database by
every dimension (event or resource category, the peer's role, department and site), column and
month (in settings.TIME_ZONE). Its tables break the same records down by one dimension each, so
they share figures and are suppressed together, over every month, quarter and year anyone can
request (`layout.joint_problem`). The counts come from what the retention purge keeps (category,
state, answers, dates by month, encounter minutes, resource categories, and the peer's role,
department and site as the case kept them), so a table reads the same before and after a purge.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Case as When_
from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils.translation import gettext_noop

from peersupport.cases.models import Case, CaseState, Encounter, OutreachAttempt, ResourceShare, ResponseRecord
from peersupport.program.models import Program, ProgramSettings
from peersupport.referrals.models import Category, Referral
from peersupport.reports.layout import Dims, Fact, Joint, JointKey, Key, Snapshot, Variant
from peersupport.reports.models import SuppressionResult
from peersupport.reports.periods import Kind, Period, month_of, month_range, period_from_slug
from peersupport.resources.models import ResourceCategory
from peersupport.roster.models import RoleType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# One count per (the record's value for each of the family's dimensions, column, month).
Facts = dict[Fact, int]
Value_ = int | str
NOT_RECORDED = gettext_noop("Not recorded")


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    # The rows always shown, in order; values in the data that are not among them follow, sorted,
    # and a blank value (not recorded) last.
    rows: "Sequence[tuple[str, StrOrPromise]]"
    columns: list[tuple[str, str]]
    # The family whose records it counts, and which of the family's dimensions its rows are.
    family: str
    dimension: int = 0
    # The page's "Group by" choice it belongs to.
    group: str = "category"
    # The last column is the row's total of the others.
    with_total_column: bool = True
    # Columns that are not counts (minutes): hidden wherever the column they follow is.
    follows: dict[str, str] = field(default_factory=dict)
    unit: str = "clinicians"

    @property
    def count_columns(self) -> list[str]:
        return [key for key, _ in self.columns if key != "total" and key not in self.follows]

    @property
    def variant(self) -> Variant:
        return Variant(name=self.name, dimension=self.dimension, columns=tuple(self.count_columns),
                       with_row_totals=self.with_total_column)


@dataclass(frozen=True)
class Family:
    """Tables that count the same records, suppressed together: see `layout.joint_problem`."""

    name: str
    dimensions: tuple[str, ...]
    facts: Callable[[], Facts]


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
    # When the figures were worked out, if they are an earlier state than the live counts (a
    # large year being brought up to date by `refresh_reports`); None: up to the minute.
    as_of: datetime | None = None

    @property
    def hidden_mark(self) -> str:
        return f"<{self.threshold}"


def _month(value: date | datetime) -> Period:
    return month_of(value.date() if isinstance(value, datetime) else value)


# The peer's role, department and site as the case kept them (never the live roster: a purged
# case has no peer, and a roster change must not move past figures).
PEER = ("peer_role", "peer_department", "peer_site")


def _grouped(queryset: QuerySet[Any], dims: tuple[str, ...], column: str, month: str) -> Facts:
    rows = (queryset.annotate(_month=TruncMonth(month)).order_by()
            .values(*dims, column, "_month").annotate(n=Count("pk")))
    facts: Facts = defaultdict(int)
    for item in rows:
        facts[(tuple(str(item[d]) for d in dims), str(item[column]), _month(item["_month"]))] += item["n"]
    return facts


def _referral_program() -> Coalesce:
    """A referral's program: its first case's (the program its peers belonged to when it opened),
    else the default program's (a referral with no case yet)."""
    first_case = Subquery(Case.objects.filter(referral=OuterRef("pk")).order_by("pk").values("program_id")[:1])
    return Coalesce(first_case, Value(Program.default().pk), output_field=IntegerField())


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


def _outcomes() -> Facts:
    return _grouped(case_outcomes(), ("referral__category", *PEER, "program_id"), "outcome_column", "created_at")


def _referrals_and_reach() -> Facts:
    """Referrals by category (a referral may involve clinicians of several roles, so it has no
    role, department or site), and the clinicians reached by every dimension."""
    facts: Facts = defaultdict(int)
    referrals = (Referral.objects.annotate(_month=TruncMonth("received_at"), _program=_referral_program())
                 .order_by().values("category", "_program", "_month").annotate(n=Count("pk")))
    for item in referrals:
        dims: Dims = (item["category"], None, None, None, str(item["_program"]))
        facts[(dims, "referrals", _month(item["_month"]))] += item["n"]
    cases = (Case.objects.annotate(
        _month=TruncMonth("created_at"),
        reached=Exists(OutreachAttempt.objects.filter(case=OuterRef("pk"))),
    ).filter(reached=True).order_by().values("referral__category", *PEER, "program_id", "_month")
        .annotate(n=Count("pk")))
    for item in cases:
        dims = (item["referral__category"], *(item[d] for d in PEER), str(item["program_id"]))
        facts[(dims, "reached", _month(item["_month"]))] += item["n"]
    return facts


def _encounters() -> Facts:
    facts: Facts = defaultdict(int)
    grouped = (Encounter.objects.annotate(_month=TruncMonth("held_on")).order_by()
               .values("case__referral__category", *(f"case__{d}" for d in PEER), "case__program_id", "_month")
               .annotate(n=Count("pk"), minutes=Sum("minutes")))
    for item in grouped:
        dims = (item["case__referral__category"], *(item[f"case__{d}"] for d in PEER), str(item["case__program_id"]))
        month = _month(item["_month"])
        facts[(dims, "encounters", month)] += item["n"]
        facts[(dims, "minutes", month)] += item["minutes"] or 0
    return facts


def _resources() -> Facts:
    shares = ResourceShare.objects.annotate(
        kind=When_(When(facilitated=True, then=Value("connected")), default=Value("shared"))
    )
    return _grouped(shares, ("resource__category", *(f"case__{d}" for d in PEER), "case__program_id"), "kind",
                    "shared_at")


CATEGORIES = [(c.value, str(c.label)) for c in Category]
ROLES = [(r.value, r.label) for r in RoleType]
OUTCOMES = [("accepted", gettext_noop("Accepted")), ("declined", gettext_noop("Declined")),
            ("unreachable", gettext_noop("Unreachable")),
            ("open", gettext_noop("Open")), ("total", gettext_noop("Total"))]
PEER_DIMENSIONS = ("role", "department", "site")
# Every family's last dimension: the program (its id) the case opened in.
PROGRAM_DIMENSION = "program"

FAMILIES: dict[str, Family] = {family.name: family for family in [
    Family("outcomes", ("category", *PEER_DIMENSIONS, PROGRAM_DIMENSION), _outcomes),
    Family("referrals", ("category", *PEER_DIMENSIONS, PROGRAM_DIMENSION), _referrals_and_reach),
    Family("encounters", ("category", *PEER_DIMENSIONS, PROGRAM_DIMENSION), _encounters),
    Family("resources", ("resource_category", *PEER_DIMENSIONS, PROGRAM_DIMENSION), _resources),
]}

# The page's "Group by" choices: the dimension, and how the tables' titles and help name it.
GROUPS = {
    "category": gettext_noop("Event category"),
    "role": gettext_noop("Professional role"),
    "department": gettext_noop("Department"),
    "site": gettext_noop("Site"),
}
BY = {"role": ("professional role", "the peer's professional role", ROLES),
      "department": ("department", "the peer's department or service line", []),
      "site": ("site", "the peer's site", [])}
WHEN_OPENED = " (as the case recorded it when it opened)"
# The titles the loop below writes, marked for translation: the pages translate a table's title
# when they show it, and so do the exports (the API keeps the English).
PEER_TABLE_TITLES = (
    gettext_noop("Outcomes by professional role"), gettext_noop("Outcomes by department"),
    gettext_noop("Outcomes by site"),
    gettext_noop("Clinicians reached by professional role"), gettext_noop("Clinicians reached by department"),
    gettext_noop("Clinicians reached by site"),
    gettext_noop("Support conversations and minutes by professional role"),
    gettext_noop("Support conversations and minutes by department"),
    gettext_noop("Support conversations and minutes by site"),
    gettext_noop("Resource connections by professional role"), gettext_noop("Resource connections by department"),
    gettext_noop("Resource connections by site"),
)


def _peer_tables() -> list[Table]:
    tables = []
    for dimension, group in enumerate(PEER_DIMENSIONS, start=1):
        noun, whose, rows = BY[group]
        tables += [
            Table(
                name=f"outcomes_by_{group}", title=f"Outcomes by {noun}",
                description=f"Clinicians offered support in the period (by the month their case "
                            f"opened), by {whose}{WHEN_OPENED} and how the offer ended so far.",
                rows=rows, columns=OUTCOMES, family="outcomes", dimension=dimension, group=group,
            ),
            Table(
                name=f"reached_by_{group}", title=f"Clinicians reached by {noun}",
                description=f"Clinicians the team reached out to, by {whose}{WHEN_OPENED}. A referral "
                            f"may name clinicians of several kinds, so referrals are counted by the "
                            f"kind of event only.",
                rows=rows, columns=[("reached", gettext_noop("Clinicians reached"))], family="referrals",
                dimension=dimension, group=group, with_total_column=False,
            ),
            Table(
                name=f"encounters_by_{group}", title=f"Support conversations and minutes by {noun}",
                description=f"Conversations held by supporters in the period and their minutes, by "
                            f"{whose}{WHEN_OPENED}.",
                rows=rows,
                columns=[("encounters", gettext_noop("Conversations")), ("minutes", gettext_noop("Minutes"))],
                family="encounters", dimension=dimension, group=group, with_total_column=False,
                follows={"minutes": "encounters"}, unit="conversations",
            ),
            Table(
                name=f"resources_by_{group}", title=f"Resource connections by {noun}",
                description=f"Resources supporters shared with peers, and the warm hand-offs they "
                            f"arranged, by {whose}{WHEN_OPENED}.",
                rows=rows, columns=[("shared", gettext_noop("Shared")), ("connected", gettext_noop("Warm hand-offs")),
                                    ("total", gettext_noop("Total"))],
                family="resources", dimension=dimension, group=group, unit="resources",
            ),
        ]
    return tables


TABLES: dict[str, Table] = {table.name: table for table in [
    Table(
        name="outcomes_by_category",
        title=gettext_noop("Outcomes by event category"),
        description=gettext_noop("Clinicians offered support in the period (by the month their case opened), "
                       "by the kind of event and how the offer ended so far."),
        rows=CATEGORIES, columns=OUTCOMES, family="outcomes",
    ),
    Table(
        name="referrals_by_category",
        title=gettext_noop("Referrals and clinicians reached"),
        # The clinicians referred are the outcomes tables' totals: published once, there, so
        # that the two families cannot be set against each other to reveal a hidden one.
        description=gettext_noop("Referrals received, and the clinicians the team reached out to, by the kind "
                       "of event (the clinicians referred are the outcomes table's totals)."),
        rows=CATEGORIES,
        columns=[("referrals", gettext_noop("Referrals")), ("reached", gettext_noop("Clinicians reached"))],
        family="referrals", with_total_column=False,
    ),
    Table(
        name="encounters_by_category",
        title=gettext_noop("Support conversations and minutes"),
        description=gettext_noop("Conversations held by supporters in the period and their minutes, by the "
                       "kind of event."),
        rows=CATEGORIES, columns=[("encounters", gettext_noop("Conversations")), ("minutes", gettext_noop("Minutes"))],
        family="encounters", with_total_column=False, follows={"minutes": "encounters"},
        unit="conversations",
    ),
    Table(
        name="resources_by_category",
        title=gettext_noop("Resource connections"),
        description=gettext_noop("Resources supporters shared with peers, and the warm hand-offs they "
                       "arranged, by the kind of resource."),
        rows=[(c.value, str(c.label)) for c in ResourceCategory],
        columns=[("shared", gettext_noop("Shared")), ("connected", gettext_noop("Warm hand-offs")),
                 ("total", gettext_noop("Total"))],
        family="resources", unit="resources",
    ),
    *_peer_tables(),
]}


def tables_grouped_by(group: str) -> list[Table]:
    """The page's tables for one "Group by" choice, one of each family."""
    return [table for table in TABLES.values() if table.group == group]


def table_get(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise Http404(f"There is no report table named {name!r}; GET /api/v1/reports lists them.") from None


def table_rows(table: Table, facts: Facts) -> list[tuple[str, str]]:
    """The table's rows: its own, then any other value in the data (sorted), then a blank value
    as "Not recorded". From all the family's records, so every period shows the same rows."""
    values = {dims[table.dimension] for dims, _, _ in facts} - {None}
    known = {key for key, _ in table.rows}
    others = sorted((v for v in values if v and v not in known), key=lambda v: (v.casefold(), v))
    rows = [*((key, str(label)) for key, label in table.rows), *((v, v) for v in others)]
    if "" in values and "" not in known:
        rows.append(("", NOT_RECORDED))
    return rows


def program_thresholds() -> tuple[tuple[str, int], ...]:
    """Every program's small-count threshold, by program id (as the facts write it)."""
    found = dict(ProgramSettings.objects.filter(program__isnull=False)
                 .values_list("program_id", "small_count_threshold"))
    return tuple((str(pk), found[pk] if pk in found else ProgramSettings.for_program(pk).small_count_threshold)
                 for pk in Program.objects.order_by("pk").values_list("pk", flat=True))


def combined_threshold(thresholds: tuple[tuple[str, int], ...]) -> int:
    """The threshold of the tables across programs: the largest of the programs'."""
    return max((threshold for _, threshold in thresholds), default=ProgramSettings.current().small_count_threshold)


def variant_name(table: Table, program: str | None) -> str:
    """A table's name in the joint problem: one program's (`name@id`), or across programs."""
    return table.name if program is None else f"{table.name}@{program}"


def family_joint(table: Table, facts: Facts, periods: list[Period], thresholds: tuple[tuple[str, int], ...]) -> Joint:
    """The family's counts over whole years: every year with data or asked for. Its tables for
    each program and across programs, suppressed as one (`layout.joint_problem`)."""
    months = [month for _, _, month in facts] + [month_of(day) for p in periods for day in (p.start, p.end)]
    first, last = min(months), max(months)
    family_tables = [t for t in TABLES.values() if t.family == table.family]
    variants = [t.variant for t in family_tables]
    variants += [replace(t.variant, name=variant_name(t, program), program=program)
                 for program, _ in thresholds for t in family_tables]
    return Joint(
        months=month_range(Period(date(first.start.year, 1, 1), Kind.MONTH),
                           Period(date(last.start.year, 12, 1), Kind.MONTH)),
        variants=variants, counts=facts, threshold=combined_threshold(thresholds),
        program_thresholds=thresholds,
    )


def table_results(table: Table, periods: list[Period], program: int | None = None,
                  threshold: int | None = None) -> list[Result]:
    """The table for each period, for one program (its id) or across every program (None),
    suppressed jointly with every table of its family, every program's and the combined (one
    problem per year involved). A large year whose newest counts are still being worked out shows
    its latest worked-out state, counts and hidden figures together (`Result.as_of`)."""
    thresholds = program_thresholds()
    if threshold is not None:  # every program's, for a test or a what-if
        thresholds = tuple((pk, threshold) for pk, _ in thresholds)
    scope = None if program is None else str(program)
    threshold = combined_threshold(thresholds) if scope is None else dict(thresholds).get(
        scope, ProgramSettings.for_program(program).small_count_threshold)
    live = FAMILIES[table.family].facts()
    states = family_joint(table, live, periods, thresholds).states(DatabaseStore())
    rows = table_rows(table, {fact: n for fact, n in live.items() if scope is None or fact[0][-1] == scope})
    hidden: set[JointKey] = set()
    # Each row, column and month's count for this table's dimension (in the program asked for).
    cells: dict[tuple[str | None, str, Period], int] = defaultdict(int)
    for state in states.values():
        hidden |= state.hidden
        for (dims, column, month), n in state.facts.items():
            if scope is None or dims[-1] == scope:
                cells[(dims[table.dimension], column, month)] += n
    name = variant_name(table, scope)
    frozen = frozenset(key for key in hidden if key[0] == name)
    return [_result(table, rows, cells, frozen, period, threshold, name=name,
                    as_of=states[period.year()].as_of if period.year() in states else None)
            for period in periods]


def table_result(table: Table, period: Period, program: int | None = None, threshold: int | None = None) -> Result:
    return table_results(table, [period], program, threshold)[0]


def _order(key: JointKey) -> tuple[str, Period, str, str]:
    name, period, row, column = key
    return name, period, "" if row is None else f"~{row}", "" if column is None else column


# Worked-out years this process has read from the database, by key (oldest dropped first).
_READ: dict[str, frozenset[JointKey]] = {}
READ_CACHE_SIZE = 256


def _remember(key: str, hidden: frozenset[JointKey]) -> None:
    if len(_READ) >= READ_CACHE_SIZE:
        _READ.pop(next(iter(_READ)))
    _READ[key] = hidden


class DatabaseStore:
    """Worked-out years kept in the database (`SuppressionResult`), shared by every process."""

    def get(self, key: str) -> frozenset[Key] | None:
        row = SuppressionResult.objects.filter(key=key).values_list("hidden", flat=True).first()
        if row is None:
            return None
        return frozenset((period_from_slug(slug), r, c) for slug, r, c in row)

    def put(self, key: str, hidden: frozenset[Key]) -> None:
        SuppressionResult.objects.bulk_create(
            [SuppressionResult(key=key, hidden=[[p.slug, r, c] for p, r, c in sorted(
                hidden, key=lambda k: (k[0], -1 if k[1] is None else k[1], -1 if k[2] is None else k[2]))])],
            ignore_conflicts=True,  # two requests at once worked out the same year
        )

    def get_joint(self, key: str) -> frozenset[JointKey] | None:
        # A key is a hash of everything the answer depends on: once read, it holds for good.
        if key in _READ:
            return _READ[key]
        row = SuppressionResult.objects.filter(key=key).values_list("hidden", flat=True).first()
        if row is None:
            return None
        found = frozenset((name, period_from_slug(slug), r, c) for name, slug, r, c in row)
        _remember(key, found)
        return found

    def put_joint(self, key: str, hidden: frozenset[JointKey], *, shape: str, facts: dict[Fact, int]) -> None:
        _remember(key, hidden)
        SuppressionResult.objects.bulk_create(
            [SuppressionResult(
                key=key, shape=shape,
                hidden=[[name, p.slug, r, c] for name, p, r, c in sorted(hidden, key=_order)],
                facts=[[list(dims), column, month.slug, n]
                       for (dims, column, month), n in sorted(facts.items(), key=repr)],
            )],
            ignore_conflicts=True,  # two requests at once worked out the same year
        )

    def latest_joint(self, shape: str) -> Snapshot | None:
        row = (SuppressionResult.objects.filter(shape=shape, facts__isnull=False)
               .order_by("-computed_at", "-pk").values("hidden", "facts", "computed_at").first())
        if row is None:
            return None
        stored: list[list[Any]] = row["facts"] or []
        return Snapshot(
            facts={(tuple(dims), column, period_from_slug(slug)): n for dims, column, slug, n in stored},
            hidden=frozenset((name, period_from_slug(slug), r, c) for name, slug, r, c in row["hidden"]),
            computed_at=row["computed_at"],
        )


def _result(table: Table, rows: list[tuple[str, str]], cells: dict[tuple[str | None, str, Period], int],
            hidden: frozenset[JointKey], period: Period, threshold: int, as_of: datetime | None = None,
            name: str | None = None) -> Result:
    months = period.months()

    def value(row: str | None, column_key: str) -> Value_:
        row_keys = [key for key, _ in rows] if row is None else [row]
        if column_key == "total":
            key: JointKey = (name or table.name, period, row, None)
            columns = table.count_columns
        else:
            key = (name or table.name, period, row, table.follows.get(column_key, column_key))
            columns = [column_key]
        if key in hidden:
            return f"<{threshold}"
        return sum(cells.get((r, c, m), 0) for r in row_keys for c in columns for m in months)

    result_rows = [Row(label, [value(key, column) for column, _ in table.columns]) for key, label in rows]
    total = Row("Total", [value(None, column) for column, _ in table.columns])
    return Result(table=table, period=period, threshold=threshold,
                  columns=[key for key, _ in table.columns], rows=result_rows, total=total, as_of=as_of)
