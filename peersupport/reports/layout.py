"""A table's counts over a run of months, as the suppression engine's atoms and aggregates.

No ORM. Atoms are one count per row x column x month. The aggregates are what anyone can
request: for every month, quarter and year the months span, every cell, every row total (when
the table has a total column), every column total (the "Total" row) and the grand total.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Protocol

from peersupport.reports.periods import Period, periods_covering
from peersupport.reports.suppression import Problem, suppress

# Where an aggregate sits in a table: its period, its row (None: the "Total" row) and its column
# (None: the total column).
Key = tuple[Period, int | None, int | None]


@dataclass(frozen=True)
class Grid:
    """Counts[row][column][month index] for consecutive months starting at `months[0]`."""

    months: Sequence[Period]
    rows: int
    columns: int
    counts: Sequence[Sequence[Sequence[int]]]
    threshold: int
    with_row_totals: bool = True
    keys: list[Key] = field(default_factory=list, init=False, compare=False)

    def atom(self, row: int, column: int, month: int) -> int:
        return (row * self.columns + column) * len(self.months) + month

    @cached_property
    def problem(self) -> Problem:
        flat = [0] * (self.rows * self.columns * len(self.months))
        for r in range(self.rows):
            for c in range(self.columns):
                for m in range(len(self.months)):
                    flat[self.atom(r, c, m)] = int(self.counts[r][c][m])
        position = {month: index for index, month in enumerate(self.months)}
        aggregates: list[frozenset[int]] = []
        for period in periods_covering(self.months):
            months = [position[m] for m in period.months() if m in position]
            row_options: list[int | None] = [*range(self.rows), None]
            column_options: list[int | None] = [*range(self.columns)]
            if self.with_row_totals:
                column_options.append(None)
            for row in row_options:
                for column in column_options:
                    rows = range(self.rows) if row is None else [row]
                    columns = range(self.columns) if column is None else [column]
                    aggregates.append(frozenset(
                        self.atom(r, c, m) for r in rows for c in columns for m in months
                    ))
                    self.keys.append((period, row, column))
        return Problem(counts=flat, aggregates=aggregates, threshold=self.threshold)

    @cached_property
    def hidden_keys(self) -> frozenset[Key]:
        return self.hidden_keys_with(None)

    def hidden_keys_with(self, store: "Store | None") -> frozenset[Key]:
        """Hidden aggregates. No aggregate spans two years, so each year is its own problem,
        solved once per table shape and counts (a past year's counts no longer change), and
        kept in `store` when one is given."""
        hidden: set[Key] = set()
        by_year: dict[Period, list[int]] = {}
        for index, month in enumerate(self.months):
            by_year.setdefault(month.year(), []).append(index)
        for indexes in by_year.values():
            counts = tuple(tuple(tuple(self.counts[r][c][m] for m in indexes)
                                 for c in range(self.columns)) for r in range(self.rows))
            args = (tuple(self.months[m] for m in indexes), self.rows, self.columns, counts,
                    self.threshold, self.with_row_totals)
            if store is None:
                hidden |= _year_hidden(*args)
                continue
            key = hashlib.sha256(repr(args).encode()).hexdigest()
            found = store.get(key)
            if found is None:
                found = _year_hidden(*args)
                store.put(key, found)
            hidden |= found
        return frozenset(hidden)


class Store(Protocol):
    """Where worked-out years are kept between requests and processes."""

    def get(self, key: str) -> frozenset[Key] | None: ...

    def put(self, key: str, hidden: frozenset[Key]) -> None: ...


@lru_cache(maxsize=4096)
def _year_hidden(months: tuple[Period, ...], rows: int, columns: int,
                 counts: tuple[tuple[tuple[int, ...], ...], ...], threshold: int,
                 with_row_totals: bool) -> frozenset[Key]:
    grid = Grid(months=months, rows=rows, columns=columns, counts=counts, threshold=threshold,
                with_row_totals=with_row_totals)
    problem = grid.problem
    return frozenset(grid.keys[i] for i in suppress(problem))


# A family of tables: several tables that count the same records broken down different ways (by
# event category, by role, ...), so they share figures (every one's "Total" row is the same) and
# must be suppressed together. A record's place is its value for each of the family's dimensions
# (None: not broken down that way, like a referral's role), its column and its month.
Dims = tuple[str | None, ...]
Fact = tuple[Dims, str, Period]
# Where a figure sits: the table's name, the period, the row's key (None: the "Total" row) and the
# column's key (None: the total column).
JointKey = tuple[str, Period, str | None, str | None]


@dataclass(frozen=True)
class Variant:
    """One table of a family: its rows are the values of one dimension, its columns count columns."""

    name: str
    dimension: int
    columns: tuple[str, ...]
    with_row_totals: bool = True
    # One program's table of a health system: only the records whose last dimension (the
    # program) is this; None: every record (one program's installation, or the combined table).
    program: str | None = None


@dataclass(frozen=True)
class JointProblem:
    """The family's year as atoms and aggregates, and the table keys each aggregate stands for."""

    problem: Problem
    keys: list[list[JointKey]]
    # The atoms: (dims, column, month) of each nonzero combination.
    atoms: list[Fact]


def joint_problem(months: Sequence[Period], variants: Sequence[Variant], counts: dict[Fact, int],
                  threshold: int, program_thresholds: Sequence[tuple[str, int]] = ()) -> JointProblem:
    """Atoms are the nonzero combinations of the records (leaving out the zero ones is
    conservative: the check then takes them as known to be zero). Aggregates are every variant's
    cells, row totals, column totals and grand totals for every month, quarter and year the months
    span; an aggregate over no atom is a zero, always shown, and left out; identical atom sets are
    one aggregate that stands for every key it is.

    A health system's programs are one more dimension: each program's tables (variants with a
    `program`) and the tables across programs (without) are one problem, so that no figure of one
    can be worked out from the others. A program's figures are hidden below its own threshold
    (`program_thresholds`), the others' below `threshold`; a figure that stands for several keys
    takes the largest of theirs."""
    inside = set(months)
    counted = {column for variant in variants for column in variant.columns}
    atoms = sorted((fact for fact, n in counts.items() if n > 0 and fact[2] in inside and fact[1] in counted),
                   key=repr)
    index_of: dict[frozenset[int], int] = {}
    aggregates: list[frozenset[int]] = []
    keys: list[list[JointKey]] = []
    periods = periods_covering(months)
    for variant in variants:
        # cells[(row, column)][period] = atoms
        cells: dict[tuple[str | None, str | None], dict[Period, set[int]]] = {}
        for atom, (dims, column, month) in enumerate(atoms):
            row = dims[variant.dimension]
            if row is None or column not in variant.columns or (
                    variant.program is not None and dims[-1] != variant.program):
                continue
            column_options: list[str | None] = [column, None] if variant.with_row_totals else [column]
            for r in (row, None):
                for c in column_options:
                    by_period = cells.setdefault((r, c), {})
                    for period in (month, month.quarter(), month.year()):
                        by_period.setdefault(period, set()).add(atom)
        for (cell_row, cell_column), by_period in cells.items():
            for period in periods:
                found = by_period.get(period)
                if not found:
                    continue
                members = frozenset(found)
                if members not in index_of:
                    index_of[members] = len(aggregates)
                    aggregates.append(members)
                    keys.append([])
                keys[index_of[members]].append((variant.name, period, cell_row, cell_column))
    by_program = dict(program_thresholds)
    by_name = {variant.name: by_program.get(variant.program, threshold) if variant.program else threshold
               for variant in variants}
    thresholds = [max(by_name[name] for name, _, _, _ in stands_for) for stands_for in keys]
    problem = Problem(counts=[counts[atom] for atom in atoms], aggregates=aggregates, threshold=threshold,
                      thresholds=thresholds if by_program else ())
    return JointProblem(problem=problem, keys=keys, atoms=atoms)


# A year with more nonzero counts than this is not worked out inside a request once an earlier
# state of it has been: the request shows that state (its counts and its hidden figures, which
# belong together) and `manage.py refresh_reports` works out the new one in its own process.
# Smaller years (a program of a few hundred cases a year) are always worked out at once.
INLINE_FACTS = 400


@dataclass(frozen=True)
class YearState:
    """One year of a family as shown: its counts, its hidden figures, and when they were worked
    out if they are an earlier state than the live counts (None: the live counts)."""

    facts: dict[Fact, int]
    hidden: frozenset[JointKey]
    as_of: datetime | None = None


@dataclass(frozen=True)
class Snapshot:
    facts: dict[Fact, int]
    hidden: frozenset[JointKey]
    computed_at: datetime


@dataclass(frozen=True)
class Joint:
    """A family's counts over whole years, suppressed jointly year by year."""

    months: Sequence[Period]
    variants: Sequence[Variant]
    counts: dict[Fact, int]
    threshold: int
    # A health system's programs' own thresholds (program, threshold): see `joint_problem`.
    program_thresholds: tuple[tuple[str, int], ...] = ()

    @property
    def _thresholds(self) -> object:
        """What the figures' thresholds are, for the keys: the threshold alone without programs
        (the keys of a one-program installation stay as they were)."""
        return (self.threshold, self.program_thresholds) if self.program_thresholds else self.threshold

    def _years(self) -> list[tuple[Period, tuple[Period, ...], tuple[tuple[Fact, int], ...], dict[Fact, int]]]:
        """Each year: its months, its nonzero counts in the suppression problem, and every count of
        it (with the columns that only follow a count, like minutes)."""
        by_year: dict[Period, list[Period]] = {}
        for month in self.months:
            by_year.setdefault(month.year(), []).append(month)
        every: dict[Period, dict[Fact, int]] = {year: {} for year in by_year}
        for fact, n in self.counts.items():
            if n and fact[2].year() in every:
                every[fact[2].year()][fact] = n
        counted = {column for variant in self.variants for column in variant.columns}
        years = []
        for year, months in by_year.items():
            inside = set(months)
            facts = tuple(sorted(((fact, n) for fact, n in every[year].items()
                                  if n > 0 and fact[2] in inside and fact[1] in counted), key=repr))
            years.append((year, tuple(months), facts, every[year]))
        return years

    def hidden_keys_with(self, store: "JointStore | None") -> frozenset[JointKey]:
        """Hidden figures of every variant for the live counts, every year worked out now."""
        hidden: set[JointKey] = set()
        for state in self.states(store, at_once=True).values():
            hidden |= state.hidden
        return frozenset(hidden)

    def states(self, store: "JointStore | None", *, at_once: bool = False) -> dict[Period, YearState]:
        """Each year as shown. Each year is its own problem (no figure spans two), solved once
        per family shape and counts, and kept in `store` when one is given. Unless `at_once`, a
        year larger than `INLINE_FACTS` whose live counts are not worked out yet shows its latest
        worked-out state instead, when there is one."""
        states: dict[Period, YearState] = {}
        for year, months, facts, every in self._years():
            args = (months, tuple(self.variants), facts, self.threshold, self.program_thresholds)
            if store is None:
                states[year] = YearState(every, _joint_year_hidden(*args))
                continue
            key = self._key(months, facts)
            found = store.get_joint(key)
            if found is not None:
                states[year] = YearState(every, found)
                continue
            shape = hashlib.sha256(repr((months, tuple(self.variants), self._thresholds)).encode()).hexdigest()
            if not at_once and len(facts) > INLINE_FACTS:
                latest = store.latest_joint(shape)
                if latest is not None:
                    states[year] = YearState(latest.facts, latest.hidden, latest.computed_at)
                    continue
            found = _joint_year_hidden(*args)
            store.put_joint(key, found, shape=shape, facts=every)
            states[year] = YearState(every, found)
        return states

    def stale_years(self, store: "JointStore") -> list[Period]:
        """Years whose live counts are not worked out yet."""
        return [year for year, months, facts, _ in self._years() if store.get_joint(self._key(months, facts)) is None]

    def _key(self, months: tuple[Period, ...], facts: tuple[tuple[Fact, int], ...]) -> str:
        return hashlib.sha256(repr((months, tuple(self.variants), facts, self._thresholds)).encode()).hexdigest()


class JointStore(Protocol):
    """Where worked-out years of a family are kept between requests and processes."""

    def get_joint(self, key: str) -> frozenset[JointKey] | None: ...

    def put_joint(self, key: str, hidden: frozenset[JointKey], *, shape: str, facts: dict[Fact, int]) -> None: ...

    def latest_joint(self, shape: str) -> Snapshot | None: ...


@lru_cache(maxsize=1024)
def _joint_year_hidden(months: tuple[Period, ...], variants: tuple[Variant, ...],
                       facts: tuple[tuple[Fact, int], ...], threshold: int,
                       program_thresholds: tuple[tuple[str, int], ...] = ()) -> frozenset[JointKey]:
    joint = joint_problem(months, variants, dict(facts), threshold, program_thresholds)
    return frozenset(key for i in suppress(joint.problem) for key in joint.keys[i])
