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
    # Each aggregate's own threshold, when they differ (a health system's programs each have
    # theirs); empty: `threshold` for every one.
    thresholds: Sequence[int] = ()

    def value(self, index: int) -> int:
        return sum(self.counts[atom] for atom in self.aggregates[index])

    def threshold_of(self, index: int) -> int:
        return self.thresholds[index] if self.thresholds else self.threshold


def primary(problem: Problem) -> set[int]:
    """Every aggregate from 1 to its threshold - 1."""
    return {i for i in range(len(problem.aggregates)) if 0 < problem.value(i) < problem.threshold_of(i)}


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

    def random_witness(self, rng: "np.random.Generator") -> list["np.ndarray[Any, Any]"]:
        """A solution of the published equalities (as atom counts) that is extreme in a random
        direction, so far from the true counts in most ways; none if there is no equality."""
        if self.a_eq.shape[0] == 0:
            return []
        ceiling = float(sum(self.problem.counts)) or 1.0  # bounded, so every direction has an end
        found: list[np.ndarray[Any, Any]] = []
        solution = _linprog(rng.uniform(-1, 1, self.groups), A_eq=self.a_eq, b_eq=self.b_eq,
                            bounds=(0, ceiling), method="highs")
        self._keep(solution.x, found)
        return found

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


class _Shape:
    """Which aggregates contain which (from the atoms they share), to find the parents and
    siblings of an aggregate without comparing every pair of sets."""

    def __init__(self, problem: Problem, incidence: csr_matrix) -> None:
        self.problem = problem
        self.overlap = csr_matrix(incidence @ incidence.T).astype(np.int64)
        self.size = np.array([len(atoms) for atoms in problem.aggregates], dtype=np.int64)
        self.values = [problem.value(i) for i in range(len(problem.aggregates))]

    def rank(self, index: int) -> tuple[bool, int, int, int]:
        """The order in which to hide more: the smallest nonzero first."""
        value = self.values[index]
        return (value == 0, value, int(self.size[index]), index)

    def partition(self, parent: int, index: int, siblings: list[int]) -> list[int] | None:
        """Siblings that exactly make up the parent but the aggregate (the largest first, each
        apart from those taken), when there are: then the parent minus them gives it away."""
        rest = set(self.problem.aggregates[parent] - self.problem.aggregates[index])
        taken = []
        for j in sorted(siblings, key=lambda j: (-self.size[j], j)):
            atoms = self.problem.aggregates[j]
            if atoms <= rest:
                rest -= atoms
                taken.append(j)
                if not rest:
                    return taken
        return None

    def _row(self, index: int) -> tuple["np.ndarray[Any, Any]", "np.ndarray[Any, Any]"]:
        start, end = self.overlap.indptr[index], self.overlap.indptr[index + 1]
        return self.overlap.indices[start:end], self.overlap.data[start:end]

    def parents(self, index: int, hidden: set[int]) -> list[int]:
        """Published aggregates that strictly contain it, the smallest first."""
        others, shared = self._row(index)
        size = self.size[index]
        found = others[(shared == size) & (self.size[others] > size)].tolist()
        return sorted((j for j in found if j not in hidden), key=lambda j: (self.size[j], j))

    def siblings(self, parent: int, index: int, hidden: set[int]) -> list[int]:
        """Published aggregates inside the parent and apart from the aggregate."""
        others, shared = self._row(parent)
        inside = others[(shared == self.size[others]) & (others != parent)]
        apart = inside[~np.isin(inside, self._row(index)[0], assume_unique=True)]
        return [j for j in apart.tolist() if j not in hidden]

    def gives_away(self, parent: int, index: int, siblings: list[int]) -> bool:
        """Whether the siblings cover all the parent but the aggregate: the parent minus them
        would reveal it (when they do not overlap; counted as revealing either way)."""
        covered: set[int] = set()
        for j in siblings:
            covered |= self.problem.aggregates[j]
        return covered >= self.problem.aggregates[parent] - self.problem.aggregates[index]


def _rank(problem: Problem, index: int) -> tuple[bool, int, int, int]:
    value = problem.value(index)
    return (value == 0, value, len(problem.aggregates[index]), index)


def _complement(problem: Problem, index: int, hidden: set[int], shape: "_Shape | None" = None) -> int | None:
    """One more aggregate to hide so that `index` is no longer pinned down: a published sibling
    (inside a covering aggregate, apart from it), the smallest nonzero first, in a covering
    aggregate whose rest is all published (the one that gives it away), else the smallest."""
    shape = shape or _Shape(problem, _incidence(problem))
    atoms = problem.aggregates[index]
    fallback: list[int] = []
    for parent in shape.parents(index, hidden):
        siblings = shape.siblings(parent, index, hidden)
        if not siblings:
            continue
        if shape.gives_away(parent, index, siblings):
            return min(siblings, key=shape.rank)
        fallback = fallback or siblings
    if fallback:
        return min(fallback, key=shape.rank)
    # No sibling left to hide anywhere: hide the smallest published aggregate that overlaps it.
    overlapping = [i for i, other in enumerate(problem.aggregates)
                   if i != index and i not in hidden and other & atoms]
    if not overlapping:
        return None  # nothing published around it: what else this round hid set it free
    return min(overlapping, key=lambda i: (len(problem.aggregates[i]),) + _rank(problem, i))


def _incidence(problem: Problem) -> csr_matrix:
    """Aggregates x atoms, 1 where the atom is in the aggregate: every aggregate's value at once."""
    rows = [i for i, atoms in enumerate(problem.aggregates) for _ in atoms]
    cols = [atom for atoms in problem.aggregates for atom in atoms]
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(problem.aggregates), len(problem.counts)))


def _close_the_obvious(problem: Problem, shape: _Shape, hidden: set[int]) -> None:
    """Before any linear program: wherever a published aggregate is exactly a hidden one plus
    published ones, hide one more of those (the smallest nonzero first), until none is. Cheap,
    and most of what the linear programs would otherwise find one round at a time."""
    queue = sorted(hidden, key=shape.rank, reverse=True)
    while queue:
        index = queue.pop()
        for parent in shape.parents(index, hidden):
            while parent not in hidden:
                taken = shape.partition(parent, index, shape.siblings(parent, index, hidden))
                if taken is None:
                    break
                extra = min(taken, key=shape.rank)
                hidden.add(extra)
                queue.append(extra)


# Random directions tried at the start of each round: one linear program each, whose solution
# usually moves most hidden aggregates at once.
RANDOM_WITNESSES = 3
MANY_PENDING = 8


def suppress(problem: Problem) -> set[int]:
    """The aggregates to hide: the primary ones and enough complementary ones.

    In rounds: every hidden aggregate not yet known safe is checked against the published ones;
    each found pinned down gets one more hidden aggregate, and the next round checks again.
    Witnesses (other atom counts that publish the same figures; hiding more only removes
    constraints, so each stays valid) show most aggregates safe without a linear program of their
    own: an aggregate whose value a witness changes by 1 or more is not pinned down."""
    hidden = primary(problem)
    incidence = _incidence(problem)
    shape = _Shape(problem, incidence)
    _close_the_obvious(problem, shape, hidden)
    pending = set(hidden)
    values = np.array([problem.value(i) for i in range(len(problem.aggregates))], dtype=float)
    rng = np.random.default_rng(0)
    witnesses: list[np.ndarray[Any, Any]] = []

    def clear(found: list["np.ndarray[Any, Any]"]) -> None:
        for witness in found:
            moved = np.abs(incidence @ witness - values) >= PINNED_BELOW - EPSILON
            pending.difference_update([i for i in pending if moved[i]])

    while pending:
        solver = _Solver(problem, hidden)
        clear(witnesses)
        for _ in range(RANDOM_WITNESSES):
            if len(pending) < MANY_PENDING:
                break  # a linear program each is as quick
            found = solver.random_witness(rng)
            witnesses += found
            clear(found)
        pinned = []
        for index in sorted(pending, key=shape.rank):
            if index not in pending:
                continue  # a witness found meanwhile moved it
            found = []
            low, high = solver.span(index, found)
            witnesses += found
            clear(found)
            if high - low >= PINNED_BELOW - EPSILON:
                pending.discard(index)
            else:
                pinned.append(index)
        added = False
        for index in pinned:
            extra = _complement(problem, index, hidden, shape)
            if extra is not None:
                hidden.add(extra)
                pending.add(extra)
                added = True
        if pinned and not added:
            raise RuntimeError("An aggregate with nothing published around it cannot be pinned down.")
    return hidden
