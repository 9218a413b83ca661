"""A table's counts over a run of months, as the suppression engine's atoms and aggregates.

No ORM. Atoms are one count per row x column x month. The aggregates are what anyone can
request: for every month, quarter and year the months span, every cell, every row total (when
the table has a total column), every column total (the "Total" row) and the grand total.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
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
