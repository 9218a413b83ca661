"""The joint plan for a referral with many involved clinicians (a mass-casualty event).

Assigning cases one by one, each to its best suggestion, can use up a supporter whom a later
case needed more, or leave a case with nobody. The plan instead solves the assignment as a
whole: first as many cases assigned as possible, then the highest total score among those.

Eligibility and scores are computed here with numpy for all pairs at once (150 cases x 2,000
supporters is 300,000 pairs, too many for the one-pair-at-a-time functions in under a second).
They mirror `core.hard_rule_violations` and `scoring.score` exactly — same rules, same terms
added in the same order — and the tests check that they agree pair for pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import numpy as np
from scipy.optimize import linear_sum_assignment

from peersupport.matching.facts import (
    ACTIVE,
    CaseFacts,
    Rules,
    Suggestion,
    SupporterFacts,
    days_since,
    fairness_key,
    folded,
    is_paused,
    remaining_slots,
)
from peersupport.matching.scoring import (
    PREFERENCE_LABELS,
    RANK_AT_OR_ABOVE,
    RANK_FAR_BELOW,
    RANK_ONE_BELOW,
    RECENCY_CAP_DAYS,
    load_factor,
    recency_factor,
    score,
)
from peersupport.matching.specialties import related

# Codes for text values: a supporter's empty value is EMPTY, a case's empty or unknown value
# is NO_MATCH, so that an empty value never matches anything, not even another empty one.
EMPTY = -1
NO_MATCH = -2


class _Vocabulary:
    """Folded text -> small int, so that comparing text over thousands of rows is numpy work."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def add(self, text: str) -> int:
        key = folded(text)
        if not key:
            return EMPTY
        return self.codes.setdefault(key, len(self.codes))

    def find(self, text: str) -> int:
        key = folded(text)
        return self.codes.get(key, NO_MATCH) if key else NO_MATCH


@dataclass
class SupporterTable:
    """The supporters who pass every case-independent hard rule, as numpy columns.

    Built once per plan, so the per-supporter work (status, pause, load, recency, text
    folding) is done 2,000 times rather than 300,000.
    """

    supporters: list[SupporterFacts]
    person_id: np.ndarray
    supervisor_id: np.ndarray
    has_supervisor: np.ndarray
    department: np.ndarray
    specialty: np.ndarray
    role: np.ndarray
    gender: np.ndarray
    site: np.ndarray
    rank: np.ndarray
    interventional: np.ndarray
    on_call: np.ndarray
    load: np.ndarray
    recency: np.ndarray
    slots: np.ndarray
    fairness_rank: np.ndarray
    vocabularies: dict[str, _Vocabulary]
    specialty_names: list[str]
    # The last assignment in microseconds (read as `days_since` reads it against the build's
    # `now`), and whether there was one: for `at`, which moves the table to a later moment.
    last_assigned_us: np.ndarray
    assigned: np.ndarray
    # Cases of one referral share an event and often a specialty: work those out once.
    _related_by_specialty: dict[str, np.ndarray] = field(default_factory=dict)
    _offered_by_category: dict[str, np.ndarray] = field(default_factory=dict)
    _involved_in_event: dict[frozenset[int], np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, supporters: Sequence[SupporterFacts], rules: Rules) -> SupporterTable:
        today = rules.now.date()
        kept = [
            s
            for s in supporters
            if s.status == ACTIVE
            and s.trained_on is not None
            and not is_paused(s, today)
            and s.person.active
            and s.open_cases < s.case_limit
        ]
        words = {name: _Vocabulary() for name in ("department", "specialty", "role", "gender", "site")}

        def codes(name: str, values: list[str]) -> np.ndarray:
            return np.array([words[name].add(v) for v in values], dtype=np.int64)

        people = [s.person for s in kept]
        specialty = codes("specialty", [p.specialty for p in people])
        # One original spelling per specialty code, for the `related` lookups per case.
        names = [""] * len(words["specialty"].codes)
        for person, code in zip(people, specialty.tolist(), strict=True):
            if code >= 0 and not names[code]:
                names[code] = person.specialty
        order = sorted(range(len(kept)), key=lambda i: fairness_key(kept[i]))
        fairness_rank = np.empty(len(kept), dtype=np.int64)
        fairness_rank[order] = np.arange(len(kept))
        return cls(
            supporters=kept,
            person_id=np.array([p.person_id for p in people], dtype=np.int64),
            supervisor_id=np.array([p.supervisor_id or 0 for p in people], dtype=np.int64),
            has_supervisor=np.array([p.supervisor_id is not None for p in people], dtype=bool),
            department=codes("department", [p.department for p in people]),
            specialty=specialty,
            role=codes("role", [p.role_type for p in people]),
            gender=codes("gender", [p.gender for p in people]),
            site=codes("site", [p.site for p in people]),
            rank=np.array([p.rank for p in people], dtype=np.int64),
            interventional=np.array([p.interventional for p in people], dtype=bool),
            on_call=np.array([s.on_call for s in kept], dtype=bool),
            # The same scalar helpers as `scoring.score`, so the factors are the same floats.
            load=np.array([load_factor(s.open_cases, s.case_limit) for s in kept], dtype=float),
            recency=np.array(
                [
                    recency_factor(None if s.last_assigned_at is None else days_since(rules.now, s.last_assigned_at))
                    for s in kept
                ],
                dtype=float,
            ),
            slots=np.array([remaining_slots(s) for s in kept], dtype=np.int64),
            fairness_rank=fairness_rank,
            vocabularies=words,
            specialty_names=names,
            last_assigned_us=np.array(
                [0 if s.last_assigned_at is None else _micros(s.last_assigned_at, rules.now) for s in kept],
                dtype=np.int64,
            ),
            assigned=np.array([s.last_assigned_at is not None for s in kept], dtype=bool),
        )

    def at(self, now: datetime) -> SupporterTable:
        """The table as `build` would make it at `now`, a later moment of the same day as the
        build's (the same supporters pass the pause rule): only recency is computed again,
        in bulk, to the same floats as `scoring.recency_factor(days_since(now, then))`."""
        days = np.maximum((_micros(now, now) - self.last_assigned_us) // _DAY_US, 0)
        recency = np.where(self.assigned, np.minimum(days, RECENCY_CAP_DAYS) / RECENCY_CAP_DAYS, 1.0)
        # The per-event memo is per request; specialties and categories are few and shared.
        return replace(self, recency=recency, _involved_in_event={})

    def __len__(self) -> int:
        return len(self.supporters)

    def eligible(self, case: CaseFacts, rules: Rules) -> np.ndarray:
        """The case-dependent hard rules, and the one-peer-per-event rule when it is on, as a
        mask over the table's supporters: `core.suggest`'s list, in bulk."""
        peer = case.peer
        ok: np.ndarray = self.person_id != peer.person_id
        ok &= ~self._involved(case.involved_person_ids)
        if case.declined_by_person_ids:
            ok &= ~np.isin(self.person_id, np.fromiter(case.declined_by_person_ids, dtype=self.person_id.dtype))
        if peer.supervisor_id is not None:
            ok &= self.person_id != peer.supervisor_id
        ok &= ~(self.has_supervisor & (self.supervisor_id == peer.person_id))
        if rules.exclude_same_department:
            ok &= self.department != self.vocabularies["department"].find(peer.department)
        if case.peer_is_supporter:
            # `core.close_colleague_checks`: the peer's own row is already out (is the peer).
            ok &= ~((self.department == self.vocabularies["department"].find(peer.department))
                    & (self.site == self._site_of(peer.site)))
            if case.peer_team_mates:
                ok &= ~np.isin(self.person_id, np.fromiter(case.peer_team_mates, dtype=self.person_id.dtype))
        if rules.one_peer_per_supporter_per_event and case.same_event_supporters:
            # Not a hard rule (the director may override it), but never planned around.
            colleagues = np.fromiter(case.same_event_supporters, dtype=self.person_id.dtype)
            ok &= ~np.isin(self.person_id, colleagues)
        return ok

    def _site_of(self, site: str) -> int:
        """A site's code, where an empty site matches an empty one (`core` compares the folded
        text, and "" equals ""), unlike the departments, which an empty one never matches."""
        code = self.vocabularies["site"].find(site)
        return EMPTY if not folded(site) else code

    def scores(self, case: CaseFacts, rules: Rules) -> np.ndarray:
        """Unrounded scores of every supporter in the table for the case (eligible or not)."""
        peer, words = case.peer, self.vocabularies

        def weight(key: str) -> float:
            return float(rules.weights.get(key, 0.0))

        total = np.zeros(len(self), dtype=float)
        # Same terms in the same order as `scoring.score`. A term that does not apply adds
        # 0.0 here where `score` adds nothing, which leaves a float unchanged, so the two
        # sums agree bit for bit.
        if case.previous_supporter_cases:
            earlier = np.fromiter(case.previous_supporter_cases, dtype=self.person_id.dtype)
            total += weight("continuity") * np.isin(self.person_id, earlier)
        total += weight("specialty") * (self.specialty == words["specialty"].find(peer.specialty))
        total += weight("related_specialty") * self._related(peer.specialty)
        total += weight("rank") * np.where(
            self.rank >= peer.rank,
            RANK_AT_OR_ABOVE,
            np.where(self.rank == peer.rank - 1, RANK_ONE_BELOW, RANK_FAR_BELOW),
        )
        if case.interventional:
            total += weight("interventional") * self.interventional
        if rules.whole_care_team:
            total += weight("role") * (self.role == words["role"].find(peer.role_type))
        if case.category:
            total += weight("experience") * self._offered(case.category)
        # Each wish is compared with the supporter's field of the same name.
        wished = {
            "gender": (self.gender, words["gender"]),
            "specialty": (self.specialty, words["specialty"]),
            "role_type": (self.role, words["role"]),
        }
        for key in PREFERENCE_LABELS:
            wish = str(case.preferences.get(key) or "")
            if folded(wish):
                column, vocabulary = wished[key]
                matches = column == vocabulary.find(wish)
                total += weight("preference") * matches
        total += weight("load") * self.load
        total += weight("recency") * self.recency
        total += weight("on_call") * self.on_call
        if folded(peer.site):
            other_site = (self.site != EMPTY) & (self.site != words["site"].find(peer.site))
            total += weight("other_site") * other_site
        return total

    def _related(self, specialty: str) -> np.ndarray:
        key = folded(specialty)
        if key not in self._related_by_specialty:
            # One `related` call per distinct specialty rather than per supporter; the extra
            # False at the end is what an EMPTY (-1) code indexes.
            by_code = [related(specialty, name) for name in self.specialty_names] + [False]
            self._related_by_specialty[key] = np.array(by_code, dtype=bool)[self.specialty]
        return self._related_by_specialty[key]

    def _involved(self, person_ids: frozenset[int]) -> np.ndarray:
        # Every case of a referral has the same involved set: one lookup per event.
        if person_ids not in self._involved_in_event:
            wanted = np.fromiter(person_ids, dtype=np.int64, count=len(person_ids))
            self._involved_in_event[person_ids] = np.isin(self.person_id, wanted)
        return self._involved_in_event[person_ids]

    def _offered(self, category: str) -> np.ndarray:
        if category not in self._offered_by_category:
            offered = [category in s.experience for s in self.supporters]
            self._offered_by_category[category] = np.array(offered, dtype=bool)
        return self._offered_by_category[category]


_DAY_US = 86_400_000_000
_EPOCH = datetime(1970, 1, 1)


def _micros(then: datetime, now: datetime) -> int:
    """Microseconds from the epoch, with a naive or aware `then` read against `now` as
    `facts.days_since` reads it: so that whole days between two of them are the same."""
    if (now.tzinfo is None) != (then.tzinfo is None):
        then = then.replace(tzinfo=now.tzinfo)
    epoch = _EPOCH if then.tzinfo is None else _EPOCH.replace(tzinfo=UTC)
    return (then - epoch) // timedelta(microseconds=1)


def plan(cases: Sequence[CaseFacts], supporters: Sequence[SupporterFacts], rules: Rules) -> dict[int, Suggestion]:
    """The best joint assignment: case_id -> the chosen suggestion.

    Maximizes, first, the number of cases assigned and then the sum of their scores, each
    supporter taking at most their remaining slots (case_limit - open_cases). A case with no
    eligible supporter left is absent.

    The cases are those of one referral (one event). With `rules.one_peer_per_supporter_per_event`
    on, each supporter takes at most one of them, and nobody who already supports another
    case of the referral (`CaseFacts.same_event_supporters`) takes any.
    """
    table = SupporterTable.build(supporters, rules)
    if not cases or not len(table):
        return {}

    # Candidate pairs (case row, supporter index, score in cents). Whole cents keep the
    # solver's sums exact, so "the best total" is never decided by float noise.
    rows: list[int] = []
    columns: list[int] = []
    cents: list[int] = []
    keep = len(cases)
    for row, case in enumerate(cases):
        eligible = np.flatnonzero(table.eligible(case, rules))
        points = table.scores(case, rules)[eligible]
        if eligible.size > keep:
            # Only the case's `keep` = len(cases) best supporters can matter. Suppose an
            # optimal plan gives this case a supporter s outside that list. The other
            # len(cases) - 1 cases use at most len(cases) - 1 distinct supporters, so at
            # least one supporter t on the list is used by no case at all, and t has a free
            # slot (eligible means open_cases < case_limit, and the one-peer-per-event cap of
            # 1 is a free slot too, since t holds none of these cases). Moving the case from
            # s to t keeps the number of assigned cases, leaves every supporter within their
            # capacity (t now takes exactly one case, whichever cap applies), and does not
            # lower the total (t scores at least as high as s), so some optimal plan uses
            # only listed supporters. Ties are broken by fairness so the list is the same
            # every time.
            best = np.lexsort((table.fairness_rank[eligible], -points))[:keep]
            eligible, points = eligible[best], points[best]
        rows.extend([row] * eligible.size)
        columns.extend(eligible.tolist())
        # Python's round, as in `scoring.score`: numpy's rounds differently on halves.
        cents.extend(round(round(p, 2) * 100) for p in points.tolist())
    if not rows:
        return {}

    # Under the one-peer-per-event rule each supporter is one solver column at most.
    capacity = np.minimum(table.slots, 1) if rules.one_peer_per_supporter_per_event else table.slots
    chosen = _solve(len(cases), np.array(rows), np.array(columns), np.array(cents), capacity)
    result: dict[int, Suggestion] = {}
    for row, index in chosen:
        case, supporter = cases[row], table.supporters[index]
        case_points, reasons = score(case, supporter, rules)
        result[case.case_id] = Suggestion(case.case_id, supporter, case_points, reasons)
    return result


def _solve(
    case_count: int, rows: np.ndarray, columns: np.ndarray, cents: np.ndarray, slots: np.ndarray
) -> list[tuple[int, int]]:
    """(case row, supporter index) pairs of the best plan over the candidate pairs."""
    supporters, column_of_pair = np.unique(columns, return_inverse=True)
    # Each supporter becomes as many solver columns as they have free slots (`slots`, already
    # capped at 1 under the one-peer-per-event rule), but never more than the cases that could
    # use them (a supporter with 3 slots on 1 case needs 1 column).
    copies = np.minimum(slots[supporters], np.bincount(column_of_pair, minlength=supporters.size))
    owner = np.repeat(np.arange(supporters.size), copies)

    # Maximize the sum of BIG + score over the chosen pairs; a pair that is not a candidate is
    # worth 0, and the solver choosing it means "unassigned". With BIG above (2n + 1) times
    # the largest |score|, one more assigned case outweighs any difference in scores (k + 1
    # pairs are worth at least (k + 1)(BIG - top), k pairs at most k(BIG + top)), so the
    # solver assigns as many cases as possible first, even when some scores are negative.
    top = int(np.abs(cents).max())
    big = (2 * case_count + 1) * top + 1
    worth = np.zeros((case_count, supporters.size), dtype=float)
    worth[rows, column_of_pair] = big + cents
    matrix = worth[:, owner]
    picked_rows, picked_columns = linear_sum_assignment(matrix, maximize=True)
    return [
        (int(row), int(supporters[owner[column]]))
        for row, column in zip(picked_rows, picked_columns, strict=True)
        if matrix[row, column] > 0
    ]
