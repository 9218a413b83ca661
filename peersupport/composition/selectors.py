"""The team's composition beside the served population, counted in the database.

The team is the active supporters (active on the roster too); the served population is the
active people in the roles the program serves. Each side is a few grouped queries whatever the
roster's size: one for the fixed-choice dimensions together, one for each of the others.

Counts below the program's threshold are hidden, with the complementary cell of each column
(`peersupport.lib.suppression`); shares are shown only beside a count that is shown. A gap is
said in words, and worked out only from what the table shows.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, ngettext

from peersupport.composition.coverage import Finding, PopulationGroup, hard_to_match
from peersupport.lib.suppression import Cell, suppress_column
from peersupport.matching.selectors import active_supporter_facts, rules_for
from peersupport.program.models import ProgramSettings
from peersupport.reports.rates import rate
from peersupport.roster.models import (
    PREFER_NOT_TO_SAY,
    RANK_LABELS,
    AgeBand,
    Gender,
    Person,
    PersonQuerySet,
    RaceEthnicity,
    RoleType,
    SupporterStatus,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A group this small a share of the population is not called a gap when the team lacks it.
GAP_MIN_POPULATION_SHARE = 0.02
# A team share under this part of the population's share is a gap.
GAP_RATIO = 0.5
# Free-text dimensions (specialty, department, site) show this many groups, the largest first;
# the rest are counted together.
MAX_GROUPS = 20
NOT_RECORDED = gettext_lazy("Not recorded")
NOT_GIVEN = gettext_lazy("Not given")
NONE_ON_TEAM = gettext_lazy("None on the team")
UNDER_HALF = gettext_lazy("Under half the population's share")
# The roster's rank words (`roster.models.RANK_LABELS`), as the composition shows them.
RANKS: dict[int, "StrOrPromise"] = {1: gettext_lazy("trainee"), 2: gettext_lazy("junior"),
                                    3: gettext_lazy("established"), 4: gettext_lazy("senior"),
                                    5: gettext_lazy("chief / leader")}


@dataclass(frozen=True)
class Dimension:
    field: str
    title: "StrOrPromise"
    # The fixed choices in order (value, label); None for free text (largest groups first).
    choices: "tuple[tuple[str, StrOrPromise], ...] | None"
    self_identified: bool = False


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("role_type", gettext_lazy("Professional role"), tuple(RoleType.choices)),
    Dimension("specialty", gettext_lazy("Specialty"), None),
    Dimension("department", gettext_lazy("Department"), None),
    Dimension("site", gettext_lazy("Site"), None),
    Dimension("rank", gettext_lazy("Rank"),
              tuple((str(rank), format_lazy("{} – {}", rank, RANKS.get(rank, label)))
                    for rank, label in RANK_LABELS.items())),
    Dimension("gender", gettext_lazy("Gender"), tuple(Gender.choices), self_identified=True),
    Dimension("race_ethnicity", gettext_lazy("Race and ethnicity"), tuple(RaceEthnicity.choices),
              self_identified=True),
    Dimension("age_band", gettext_lazy("Age band"), tuple(AgeBand.choices), self_identified=True),
)


@dataclass(frozen=True)
class Row:
    label: str
    team: Cell
    team_share: str
    population: Cell
    population_share: str
    # Words when the team falls short of the population here ("" otherwise).
    gap: str
    # A group of its own (not the "not recorded" row, nor the largest groups' "all other" row).
    named: bool = True


@dataclass(frozen=True)
class Table:
    title: str
    rows: list[Row]
    team_total: Cell
    population_total: Cell
    self_identified: bool

    @property
    def gaps(self) -> list[Row]:
        return [row for row in self.rows if row.gap]


@dataclass(frozen=True)
class Composition:
    tables: list[Table]
    threshold: int
    has_team: bool

    @property
    def gaps(self) -> list[tuple[str, Row]]:
        return [(table.title, row) for table in self.tables for row in table.gaps]


def team_people(program: ProgramSettings) -> PersonQuerySet:
    """The program's active supporters (a supporter's program is their person's)."""
    return Person.objects.filter(program_id=program.program_id or 0, active=True,
                                 supporter__status=SupporterStatus.ACTIVE)


def served_people(program: ProgramSettings) -> PersonQuerySet:
    """The program's people in the roles it serves."""
    return Person.objects.referable(program.served_role_types).filter(program_id=program.program_id or 0)


def _key(value: object) -> str:
    return "" if value is None else str(value).strip()


def grouped_counts(people: PersonQuerySet, field: str) -> Counter[str]:
    """People per value of one field, in one GROUP BY. Race and ethnicity is grouped by the
    combination chosen and counted once under each category in it (so a column may add up to
    more than its total); blank or empty is ""."""
    rows = people.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n")
    counts: Counter[str] = Counter()
    for value, n in rows:
        if isinstance(value, list):
            for category in value or [""]:
                counts[str(category)] += n
        else:
            counts[_key(value)] += n
    return counts


def grouped_counts_together(people: PersonQuerySet, fields: Sequence[str]) -> tuple[dict[str, Counter[str]], int]:
    """People per value of each of several fields of few values, and their number, in one GROUP
    BY of the fields together (at most the product of their choices: a few hundred rows)."""
    counts: dict[str, Counter[str]] = {field: Counter() for field in fields}
    total = 0
    for *values, n in people.order_by().values(*fields).annotate(n=Count("pk")).values_list(*fields, "n"):
        total += n
        for field, value in zip(fields, values, strict=True):
            counts[field][_key(value)] += n
    return counts, total


def _counts(people: PersonQuerySet, dimensions: Sequence[Dimension]) -> tuple[dict[str, Counter[str]], int]:
    """Every dimension's counts and the total: the fixed-choice fields in one query, each other
    field in one of its own (a free-text field has too many values to group with the others)."""
    together = [d.field for d in dimensions if d.choices is not None and d.field != "race_ethnicity"]
    counts, total = grouped_counts_together(people, together) if together else ({}, people.count())
    for dimension in dimensions:
        if dimension.field not in counts:
            counts[dimension.field] = grouped_counts(people, dimension.field)
    return counts, total


def _share(cell: Cell, total: Cell, threshold: int) -> str:
    """A count's share of its total (`reports.rates`): never of a total under the threshold, nor
    of a hidden count."""
    percent = rate(cell.value, total.value, threshold)
    if percent is None or cell.value is None or total.value is None:
        return ""
    return "<1%" if 0 < cell.value / total.value < 0.005 else f"{percent}%"


def _gap(team: Cell, team_total: Cell, population: Cell, population_total: Cell, threshold: int) -> str:
    """A gap, said only from what the table shows: never from a hidden count, so that the words
    cannot narrow one down. A hidden team count is a gap only when even the threshold is under
    half the team's share the population would give it."""
    if population.value is None or not population_total.value or not team_total.value:
        return ""
    population_share = population.value / population_total.value
    if population_share < GAP_MIN_POPULATION_SHARE:
        return ""
    if team.value == 0:
        return str(NONE_ON_TEAM)
    fair_share = team_total.value * population_share * GAP_RATIO
    if team.value is None:
        return str(UNDER_HALF) if threshold <= fair_share else ""
    return str(UNDER_HALF) if team.value < fair_share else ""


def _groups(dimension: Dimension, team: Counter[str], population: Counter[str]) -> list[tuple[str, str, bool]]:
    """(label, key, may be a gap) per row in the table's order, the blank ("") row last."""
    blank = str(NOT_GIVEN if dimension.self_identified else NOT_RECORDED)
    if dimension.choices is not None:
        rows = [(str(label), value, value != PREFER_NOT_TO_SAY) for value, label in dimension.choices]
    else:
        values = sorted((set(team) | set(population)) - {""}, key=lambda v: (-population[v], -team[v], v))
        rows = [(value, value, True) for value in values]
    return [*rows, (blank, "", False)]


def composition_table(dimension: Dimension, team: Counter[str], population: Counter[str],
                      team_total: int, population_total: int, threshold: int) -> Table:
    team, population = Counter(team), Counter(population)  # the "all other groups" row is added below
    groups = _groups(dimension, team, population)
    labels: list[str] = []
    team_counts: list[int] = []
    population_counts: list[int] = []
    may_gap: list[bool] = []
    keys: list[str] = []
    named = [g for g in groups if g[1] != ""]
    if dimension.choices is None and len(named) > MAX_GROUPS:
        rest = named[MAX_GROUPS:]
        named = named[:MAX_GROUPS]
        others = ngettext("All other %(count)s group", "All other %(count)s groups", len(rest)) % {
            "count": number_format(len(rest), force_grouping=True)}
        groups = [*named, (others, "\x00rest", False), groups[-1]]
        team["\x00rest"] = sum(team[key] for _, key, _ in rest)
        population["\x00rest"] = sum(population[key] for _, key, _ in rest)
    for label, key, gap_possible in groups:
        if key == "" and not team[key] and not population[key]:
            continue  # no blanks: no "not recorded" row
        labels.append(label)
        keys.append(key)
        team_counts.append(team[key])
        population_counts.append(population[key])
        may_gap.append(gap_possible)
    team_cells, team_total_cell = suppress_column(team_counts, team_total, threshold)
    population_cells, population_total_cell = suppress_column(population_counts, population_total, threshold)
    rows = [
        Row(
            label=label,
            team=team_cell,
            team_share=_share(team_cell, team_total_cell, threshold),
            population=population_cell,
            population_share=_share(population_cell, population_total_cell, threshold),
            gap=_gap(team_cell, team_total_cell, population_cell, population_total_cell, threshold)
            if gap_possible else "",
            named=key not in ("", "\x00rest"),
        )
        for label, key, team_cell, population_cell, gap_possible in zip(
            labels, keys, team_cells, population_cells, may_gap, strict=True)
    ]
    return Table(title=str(dimension.title), rows=rows, team_total=team_total_cell,
                 population_total=population_total_cell, self_identified=dimension.self_identified)


def team_composition(program: ProgramSettings, dimensions: Iterable[Dimension] = DIMENSIONS) -> Composition:
    """The program's team beside the program's served population, at the program's threshold."""
    threshold = program.small_count_threshold
    dimensions = list(dimensions)
    team, team_total = _counts(team_people(program), dimensions)
    population, population_total = _counts(served_people(program), dimensions)
    tables = [
        composition_table(dimension, team[dimension.field], population[dimension.field], team_total,
                          population_total, threshold)
        for dimension in dimensions
    ]
    return Composition(tables=tables, threshold=threshold, has_team=team_total > 0)


def population_groups(program: ProgramSettings) -> list[PopulationGroup]:
    """The served population by site, role, specialty and procedures: one GROUP BY."""
    rows = (served_people(program).order_by().values("site", "role_type", "specialty", "interventional")
            .annotate(n=Count("pk")).values_list("site", "role_type", "specialty", "interventional", "n"))
    return [PopulationGroup(site=site, role_type=role_type, specialty=specialty, interventional=interventional,
                            people=n) for site, role_type, specialty, interventional, n in rows]


def hard_to_match_findings(program: ProgramSettings, *, fewer_than: int) -> list[Finding]:
    return hard_to_match(population_groups(program), active_supporter_facts(program), rules_for(program),
                         fewer_than=fewer_than)
