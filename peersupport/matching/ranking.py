"""The suggestions for one case, computed in bulk: the same list as `core.suggest_with_held_back`.

`core.suggest_with_held_back` checks and scores every supporter one at a time and writes the
reasons of each. With thousands of supporters that is most of a request, while the director
reads the reasons of five. Here the hard rules and the scores come from
`planning.SupporterTable` (numpy columns, the same rules and the same float sums, bit for
bit), the list is sorted by the same order (score rounded as `scoring.score` rounds it, then
`facts.fairness_key`), and only the first few get their reasons written by `scoring.score`.
A test holds this module to `core.suggest_with_held_back` on random data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from peersupport.matching.core import HeldBack
from peersupport.matching.facts import CaseFacts, PersonFacts, Rules, Suggestion
from peersupport.matching.planning import SupporterTable
from peersupport.matching.scoring import score


@dataclass(frozen=True)
class Ranking:
    """One case's ranked supporters, as indexes into the table."""

    case: CaseFacts
    table: SupporterTable
    rules: Rules
    # Suggested (eligible, not held back by the one-peer-per-event rule), best first.
    order: np.ndarray
    # Passing every hard rule but held back by the one-peer-per-event rule, best first.
    held: np.ndarray
    # Every table row's score, rounded as `scoring.score` rounds it (meaningful where eligible).
    points: np.ndarray

    def __len__(self) -> int:
        return int(self.order.size)

    def suggestions(self, count: int | None = None, explain: int | None = None) -> list[Suggestion]:
        """The first `count` suggestions (all when None); the first `explain` of them (all when
        None) with their reasons, the others with their score only (no reasons)."""
        chosen = self.order if count is None else self.order[:count]
        result = []
        for position, index in enumerate(chosen.tolist()):
            result.append(self._suggestion(index, explain is None or position < explain))
        return result

    def held_back(self) -> list[HeldBack]:
        """Every held-back supporter, best first, with reasons (they are few: one per colleague)."""
        colleagues = self.case.same_event_supporters
        return [
            HeldBack(self._suggestion(index, True), colleagues[self.table.supporters[index].person.person_id])
            for index in self.held.tolist()
        ]

    def suggested_people(self) -> list[PersonFacts]:
        supporters = self.table.supporters
        return [supporters[index].person for index in self.order.tolist()]

    def places(self, person_ids: set[int]) -> dict[int, int]:
        """Person id -> place among the suggestions (1 is first), for those suggested."""
        if not person_ids:
            return {}
        ids = self.table.person_id[self.order]
        wanted = np.fromiter(person_ids, dtype=ids.dtype, count=len(person_ids))
        return {int(ids[i]): int(i) + 1 for i in np.flatnonzero(np.isin(ids, wanted))}

    def _suggestion(self, index: int, explain: bool) -> Suggestion:
        supporter = self.table.supporters[index]
        if explain:
            points, reasons = score(self.case, supporter, self.rules)
            return Suggestion(self.case.case_id, supporter, points, reasons)
        return Suggestion(self.case.case_id, supporter, float(self.points[index]), ())


def _best_first(table: SupporterTable, rows: np.ndarray, points: np.ndarray) -> np.ndarray:
    # `core.suggestion_order`: the higher rounded score, then the fairer pick. The table's
    # fairness rank is the order of `fairness_key`, which ends in the (unique) employee id.
    if not rows.size:
        return rows
    return rows[np.lexsort((table.fairness_rank[rows], -points[rows]))]


def rank(case: CaseFacts, table: SupporterTable, rules: Rules) -> Ranking:
    """The case's suggestions and held-back supporters, best first (no reasons yet)."""
    suggested = table.eligible(case, rules)
    # The hard rules alone: the one-peer-per-event rule off.
    passing = table.eligible(case, replace(rules, one_peer_per_supporter_per_event=False))
    points = np.zeros(len(table), dtype=float)
    rows = np.flatnonzero(passing)
    if rows.size:
        # Python's round, as in `scoring.score` (numpy rounds halves differently).
        raw = table.scores(case, rules)[rows]
        points[rows] = [round(p, 2) for p in raw.tolist()]
    return Ranking(
        case=case,
        table=table,
        rules=rules,
        order=_best_first(table, np.flatnonzero(suggested), points),
        held=_best_first(table, np.flatnonzero(passing & ~suggested), points),
        points=points,
    )


def place_of(case: CaseFacts, table: SupporterTable, rules: Rules, person_id: int) -> tuple[int, int] | None:
    """The supporter's table row and place among the case's suggestions (0 is first), without
    sorting the list: how many suggested supporters come before them. None when not suggested."""
    suggested = table.eligible(case, rules)
    mine = np.flatnonzero(suggested & (table.person_id == person_id))
    if not mine.size:
        return None
    [row] = mine.tolist()
    rows = np.flatnonzero(suggested)
    raw = table.scores(case, rules)
    points = np.array([round(p, 2) for p in raw[rows].tolist()], dtype=float)
    own = round(float(raw[row]), 2)
    fairness = table.fairness_rank[rows]
    before = (points > own) | ((points == own) & (fairness < table.fairness_rank[row]))
    return row, int(np.count_nonzero(before))
