"""Suppression that cannot be undone by arithmetic: which published aggregates a table hides.

Plain Python and scipy, no ORM. The input is a list of atomic counts (for example one per
row x column x month of a table) and the aggregates the reports can publish, each a set of atom
indexes (every cell, row total, column total and grand total of the table, for every month,
quarter and year the data spans). The output is the set of aggregates that show as "<11".

- Primary suppression: every aggregate whose count is from 1 to threshold - 1.
- Complementary suppression: a hidden aggregate is *pinned down* when the published aggregates
  (their values, and every atom being >= 0) allow only one value for it: the linear programs
  "minimize and maximize its sum subject to the published equalities" give max - min < 1. While
  some hidden aggregate is pinned down, one more published aggregate near it is hidden (a
  sibling inside its smallest covering aggregate, the smallest nonzero first) and it is checked
  again.

Hiding more only removes constraints, so an aggregate found not pinned down stays so whatever is
hidden after it: each hidden aggregate is checked until it passes once, and the result holds for
the final set. `pinned_down` is the same check the property test uses.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

# scipy's stubs do not list sparse constraint matrices, which HiGHS takes and the tables need.
_linprog: Any = linprog
# A hidden aggregate is safe when its possible values span at least this much.
PINNED_BELOW = 1.0
# Numerical slack of the solver.
EPSILON = 1e-6


@dataclass(frozen=True)
class Problem:
    """Atomic counts and the aggregates (sets of atom indexes) that may be published."""

    counts: Sequence[int]
    aggregates: Sequence[frozenset[int]]
    threshold: int

    def value(self, index: int) -> int:
        return sum(self.counts[atom] for atom in self.aggregates[index])


def primary(problem: Problem) -> set[int]:
    """Every aggregate from 1 to threshold - 1."""
    return {i for i in range(len(problem.aggregates)) if 0 < problem.value(i) < problem.threshold}


class _Solver:
    """The published aggregates' equalities, over groups of atoms, rebuilt when hiding changes.

    Atoms that lie in exactly the same published aggregates form a group: the published figures
    only ever see the group's sum. A hidden aggregate that takes part of a group with a count in
    it is not pinned down (one unit can move between the part inside and the part outside without
    changing anything published); otherwise it is a union of groups, and the linear programs run
    on the groups' sums, which is much smaller than the atoms.
    """

    def __init__(self, problem: Problem, hidden: set[int]) -> None:
        self.problem = problem
        published = [i for i in range(len(problem.aggregates)) if i not in hidden]
        signature: list[list[int]] = [[] for _ in problem.counts]
        for i in published:
            for atom in problem.aggregates[i]:
                signature[atom].append(i)
        group_of_signature: dict[tuple[int, ...], int] = {}
        self.group: list[int] = []
        self.group_total: list[int] = []
        self.group_size: list[int] = []
        for atom, sig in enumerate(signature):
            key = tuple(sig)
            if key not in group_of_signature:
                group_of_signature[key] = len(group_of_signature)
                self.group_total.append(0)
                self.group_size.append(0)
            g = group_of_signature[key]
            self.group.append(g)
            self.group_total[g] += problem.counts[atom]
            self.group_size[g] += 1
        rows, cols = [], []
        values: list[float] = []
        # One equality per published aggregate, over the groups it contains.
        row = 0
        seen: set[frozenset[int]] = set()
        for i in published:
            groups = frozenset(self.group[a] for a in problem.aggregates[i])
            if groups in seen:
                continue
            seen.add(groups)
            for g in groups:
                rows.append(row)
                cols.append(g)
            values.append(float(problem.value(i)))
            row += 1
        self.groups = len(group_of_signature)
        self.a_eq = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(row, self.groups))
        self.b_eq = np.array(values)

    def span(self, index: int, witnesses: list["np.ndarray[Any, Any]"] | None = None) -> tuple[float, float]:
        """The least and greatest value the aggregate can take given what is published (or, when
        it is not pinned down, a range of at least 1 around its value). Each solution found is
        added to `witnesses`: other atom counts that publish the same figures."""
        atoms = self.problem.aggregates[index]
        value = float(self.problem.value(index))
        inside: dict[int, int] = {}
        for atom in atoms:
            inside[self.group[atom]] = inside.get(self.group[atom], 0) + 1
        for g, n in inside.items():
            if n < self.group_size[g] and self.group_total[g] >= 1:
                return value - 1, value + 1  # one unit moves between the part inside and outside
        members = list(atoms)
        for witness in witnesses or []:
            other = float(witness[members].sum())
            if abs(other - value) >= PINNED_BELOW - EPSILON:
                return min(value, other), max(value, other)
        objective = np.zeros(self.groups)
        objective[list(inside)] = 1.0
        if self.a_eq.shape[0] == 0:
            return 0.0, float("inf")
        high = _linprog(-objective, A_eq=self.a_eq, b_eq=self.b_eq, bounds=(0, None), method="highs")
        if high.status == 3:
            return value, float("inf")
        self._keep(high.x, witnesses)
        maximum = -float(high.fun)
        if maximum - value >= PINNED_BELOW - EPSILON:
            return value, maximum
        low = _linprog(objective, A_eq=self.a_eq, b_eq=self.b_eq, bounds=(0, None), method="highs")
        self._keep(low.x, witnesses)
        return float(low.fun), maximum

    def _keep(self, solution: "np.ndarray[Any, Any] | None", witnesses: list["np.ndarray[Any, Any]"] | None) -> None:
        """A solution over the groups as atom counts: each group's sum on its first atom (every
        atom of a group lies in the same published aggregates, so any split publishes the same)."""
        if witnesses is None or solution is None:
            return
        point = np.zeros(len(self.problem.counts))
        placed: set[int] = set()
        for atom, g in enumerate(self.group):
            if g not in placed:
                point[atom] = solution[g]
                placed.add(g)
        witnesses.append(point)


def pinned_down(problem: Problem, hidden: set[int], index: int) -> bool:
    """Whether the published aggregates allow the hidden one only a single value."""
    low, high = _Solver(problem, hidden).span(index)
    return high - low < PINNED_BELOW - EPSILON


def _parents(problem: Problem, index: int, hidden: set[int]) -> list[int]:
    atoms = problem.aggregates[index]
    found = [i for i, other in enumerate(problem.aggregates)
             if i != index and i not in hidden and atoms < other]
    return sorted(found, key=lambda i: (len(problem.aggregates[i]), i))


def _rank(problem: Problem, index: int) -> tuple[bool, int, int, int]:
    value = problem.value(index)
    return (value == 0, value, len(problem.aggregates[index]), index)


def _complement(problem: Problem, index: int, hidden: set[int]) -> int:
    """One more aggregate to hide so that `index` is no longer pinned down: a published sibling
    (inside a covering aggregate, apart from it), the smallest nonzero first, in a covering
    aggregate whose rest is all published (the one that gives it away), else the smallest."""
    atoms = problem.aggregates[index]
    fallback: list[int] = []
    for parent in _parents(problem, index, hidden):
        inside = problem.aggregates[parent]
        siblings = [i for i, other in enumerate(problem.aggregates)
                    if i not in hidden and i != parent and other <= inside and not other & atoms]
        if not siblings:
            continue
        covered: set[int] = set()
        for i in siblings:
            covered |= problem.aggregates[i]
        if covered >= inside - atoms:
            return min(siblings, key=lambda i: _rank(problem, i))
        fallback = fallback or siblings
    if fallback:
        return min(fallback, key=lambda i: _rank(problem, i))
    # No sibling left to hide anywhere: hide the smallest published aggregate that overlaps it.
    overlapping = [i for i, other in enumerate(problem.aggregates)
                   if i != index and i not in hidden and other & atoms]
    if not overlapping:
        raise RuntimeError("An aggregate with nothing published around it cannot be pinned down.")
    return min(overlapping, key=lambda i: (len(problem.aggregates[i]),) + _rank(problem, i))


def suppress(problem: Problem) -> set[int]:
    """The aggregates to hide: the primary ones and enough complementary ones."""
    hidden = primary(problem)
    pending = sorted(hidden, key=lambda i: _rank(problem, i))
    solver: _Solver | None = None
    # Atom counts other than the true ones that publish the same figures. Hiding more only
    # removes constraints, so each stays valid; one that gives a hidden aggregate another value
    # (by 1 or more) shows it is not pinned down without solving anything.
    witnesses: list[np.ndarray[Any, Any]] = []
    while pending:
        index = pending[0]
        if solver is None:
            solver = _Solver(problem, hidden)
        low, high = solver.span(index, witnesses)
        if high - low >= PINNED_BELOW - EPSILON:
            pending.pop(0)
            continue
        extra = _complement(problem, index, hidden)
        hidden.add(extra)
        pending.append(extra)
        solver = None
    return hidden
