"""An exact check of the joint plan: the same problem as `planning.plan`, solved as an integer
program by scipy's `milp` (HiGHS), over every eligible pair (no pruning, no solver columns).

Used by the tests and by `bench/run.py`; the product never imports it.

It reads eligibility and scores the way `plan` does (`SupporterTable.eligible` and `.scores`,
rounded to whole cents the same way), so both solve exactly the same problem, and it solves it
lexicographically in two integer programs: first the most cases assigned, then, with that many
assigned, the highest total of cents. Both objectives are integers, and the solver is asked for
a zero gap, so the two numbers it returns are the optimum itself.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from peersupport.matching.facts import CaseFacts, PersonFacts, Rules, Suggestion, SupporterFacts
from peersupport.matching.planning import SupporterTable
from peersupport.matching.tests.builders import NOW, TRAINED
from peersupport.program.models import DEFAULT_WEIGHTS


@dataclass(frozen=True)
class Optimum:
    assigned: int
    cents: int


@dataclass(frozen=True)
class Pairs:
    """Every eligible (case row, supporter person id) pair with its cents, and each supporter's cap."""

    cents: dict[tuple[int, int], int]
    capacity: dict[int, int]


def eligible_pairs(cases: Sequence[CaseFacts], supporters: Sequence[SupporterFacts], rules: Rules) -> Pairs:
    table = SupporterTable.build(supporters, rules)
    cents: dict[tuple[int, int], int] = {}
    for row, case in enumerate(cases):
        eligible = np.flatnonzero(table.eligible(case, rules))
        points = table.scores(case, rules)[eligible]
        for index, value in zip(eligible.tolist(), points.tolist(), strict=True):
            # The rounding `plan` uses (Python's round, as in `scoring.score`).
            cents[row, int(table.person_id[index])] = round(round(value, 2) * 100)
    slots = np.minimum(table.slots, 1) if rules.one_peer_per_supporter_per_event else table.slots
    capacity = {int(p): int(s) for p, s in zip(table.person_id.tolist(), slots.tolist(), strict=True)}
    return Pairs(cents, capacity)


def milp_optimum(cases: Sequence[CaseFacts], supporters: Sequence[SupporterFacts], rules: Rules) -> Optimum:
    """The most cases that can be assigned, then the highest total cents with that many."""
    pairs = eligible_pairs(cases, supporters, rules)
    keys = list(pairs.cents)
    if not keys:
        return Optimum(0, 0)
    people = sorted({person for _, person in keys})
    column = {person: i for i, person in enumerate(people)}
    n = len(keys)
    variables = np.arange(n)
    # x[pair] binary; each case at most once, each supporter at most their capacity.
    case_rows = csr_array((np.ones(n), ([row for row, _ in keys], variables)), shape=(len(cases), n))
    supporter_rows = csr_array((np.ones(n), ([column[p] for _, p in keys], variables)), shape=(len(people), n))
    limits = [
        LinearConstraint(case_rows, 0, 1),
        LinearConstraint(supporter_rows, 0, np.array([pairs.capacity[p] for p in people], dtype=float)),
    ]
    binary = np.ones(n, dtype=np.int64)
    bounds = Bounds(0, 1)
    first = milp(-np.ones(n), constraints=limits, integrality=binary, bounds=bounds, options={"mip_rel_gap": 0.0})
    assert first.success, first.message
    assigned = round(-first.fun)
    cents = np.array([pairs.cents[key] for key in keys], dtype=float)
    count = LinearConstraint(np.ones((1, n)), assigned, assigned)
    second = milp(-cents, constraints=[*limits, count], integrality=binary, bounds=bounds, options={"mip_rel_gap": 0.0})
    assert second.success, second.message
    chosen = np.round(second.x).astype(int)
    assert int(chosen.sum()) == assigned
    return Optimum(assigned, int(cents @ chosen))


def plan_value(
    plan: dict[int, Suggestion], cases: Sequence[CaseFacts], supporters: Sequence[SupporterFacts], rules: Rules
) -> Optimum:
    """The plan's (cases assigned, total cents), checking that every pair in it is allowed."""
    pairs = eligible_pairs(cases, supporters, rules)
    row_of = {case.case_id: row for row, case in enumerate(cases)}
    used: dict[int, int] = {}
    total = 0
    for case_id, suggestion in plan.items():
        key = (row_of[case_id], suggestion.supporter.person.person_id)
        assert key in pairs.cents, f"the plan gives case {case_id} an ineligible supporter"
        total += pairs.cents[key]
        used[key[1]] = used.get(key[1], 0) + 1
    assert all(used[p] <= pairs.capacity[p] for p in used), "the plan overloads a supporter"
    return Optimum(len(plan), total)


# Random instances: several departments, supervisors, declines, others involved in the event
# and colleagues already on the referral, so that many pairs are ineligible; few distinct
# specialties, sites and ranks, so that scores tie often.
DEPARTMENTS = ["Emergency", "Surgery", "ICU", "Radiology", "Pediatrics"]
SPECIALTIES = ["Emergency Medicine", "General Surgery", "Critical Care", "Radiology", "Pediatrics", ""]
# The program's own weights, with one negative term so that a score can fall below another's.
WEIGHTS = {**DEFAULT_WEIGHTS, "other_site": -0.5}


def random_instance(
    seed: int, case_count: int, supporter_count: int, *, one_peer: bool, signed_weights: bool = False
) -> tuple[list[CaseFacts], list[SupporterFacts], Rules]:
    """Cases of one event and a pool of supporters. With `signed_weights`, every weight is drawn
    from -3 to 3, so that many pairs score below zero and assigning one more case can lower the
    total: the plan must still assign as many as it can first."""
    rng = random.Random(seed)
    weights = WEIGHTS
    if signed_weights:
        weights = {key: rng.choice([-3.0, -1.5, -0.5, 0.0, 1 / 3, 1.0, 2.675]) for key in WEIGHTS}
    population = case_count + supporter_count + 20

    def person(person_id: int) -> PersonFacts:
        department = rng.choice(DEPARTMENTS)
        return PersonFacts(
            person_id=person_id,
            employee_id=f"E{person_id:05d}",
            name=f"Person {person_id}",
            role_type=rng.choice(["physician", "nurse"]),
            specialty=rng.choice(SPECIALTIES),
            department=department,
            rank=rng.randint(1, 5),
            interventional=rng.random() < 0.3,
            supervisor_id=rng.randint(1, population) if rng.random() < 0.2 else None,
            site=rng.choice(["North", "South", ""]),
            gender=rng.choice(["female", "male"]),
        )

    supporters = []
    for person_id in range(1, supporter_count + 1):
        limit = rng.randint(1, 3)
        supporters.append(
            SupporterFacts(
                person=person(person_id),
                status="active" if rng.random() < 0.95 else "paused",
                trained_on=TRAINED,
                case_limit=limit,
                # Mostly free: capacities 1-3, some supporters full (and so not eligible).
                open_cases=rng.choice([0, 0, 0, limit - 1, limit]) if limit > 1 else rng.choice([0, 0, 0, 1]),
                last_assigned_at=None if rng.random() < 0.3 else NOW - timedelta(days=rng.randint(0, 200)),
                experience=frozenset(rng.sample(["patient_death", "medical_error", "litigation"], rng.randint(0, 2))),
                on_call=rng.random() < 0.1,
            )
        )
    peers = [person(supporter_count + 1 + i) for i in range(case_count)]
    supporter_ids = list(range(1, supporter_count + 1))
    # Others involved in the event: the peers and a few supporters who were there too.
    involved = frozenset(p.person_id for p in peers) | frozenset(rng.sample(supporter_ids, min(3, supporter_count)))
    cases = [
        CaseFacts(
            case_id=1_000 + row,
            peer=peer,
            category=rng.choice(["patient_death", "medical_error"]),
            interventional=rng.random() < 0.5,
            involved_person_ids=involved,
            declined_by_person_ids=frozenset(rng.sample(supporter_ids, rng.randint(0, 3))),
            preferences={"gender": "female"} if rng.random() < 0.2 else {},
            previous_supporter_cases={rng.choice(supporter_ids): 1} if rng.random() < 0.2 else {},
            same_event_supporters={p: 999 for p in rng.sample(supporter_ids, rng.randint(0, 2))},
        )
        for row, peer in enumerate(peers)
    ]
    rules = Rules(now=NOW, weights=weights, whole_care_team=True, one_peer_per_supporter_per_event=one_peer)
    return cases, supporters, rules
