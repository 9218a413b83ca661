"""Benchmarks: `.venv/bin/python bench/run.py` from the repository root.

Each benchmark is a function returning `Result` rows; `main()` runs every function in
BENCHMARKS, prints one table and exits non-zero when a row is over its budget. The matching
benchmarks need no Django: they build a synthetic health system as plain facts. Database
benchmarks can be added as further functions that set Django up themselves.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

# Run as a script, Python puts bench/ on the path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from peersupport.matching.core import (  # noqa: E402
    CaseFacts,
    PersonFacts,
    Rules,
    SupporterFacts,
    plan,
    suggest,
)
from peersupport.matching.specialties import SPECIALTIES  # noqa: E402

REPEATS = 5
CLINICIANS = 30_000
SUPPORTERS = 2_000
MASS_CASUALTY_PEERS = 120
PLAN_BUDGET_MS = 1_000.0
# The joint plan at the scale of a large health system: a 200-clinician event, 100,000 staff,
# 5,000 supporters. The goal is p95 <= 300 ms over HTTP; this measures the core's share.
EVENT_PEERS = 200
EVENT_STAFF = 100_000
EVENT_SUPPORTERS = 5_000
EVENT_RUNS = 20
EVENT_PLAN_BUDGET_MS = 300.0
PLAN_CHECK_SEEDS = 15

# The program's default weights (program/models.py), copied so this needs no Django.
WEIGHTS: dict[str, float] = {
    "specialty": 3.0,
    "related_specialty": 1.5,
    "rank": 2.0,
    "interventional": 2.0,
    "role": 2.0,
    "experience": 1.5,
    "preference": 3.0,
    "load": 2.0,
    "recency": 1.0,
    "on_call": 1.0,
    "other_site": 0.5,
}
SITES = ["Central Hospital", "North Campus", "Riverside", "Eastgate Clinic"]
CATEGORIES = [
    "medical_error",
    "adverse_outcome",
    "patient_death",
    "patient_aggression",
    "litigation",
]
EMERGENCY_SPECIALTIES = {
    "Emergency Medicine",
    "Trauma Surgery",
    "Critical Care",
    "Anesthesiology",
    "Emergency Nursing",
    "Critical Care Nursing",
    "Perioperative Nursing",
    "General Surgery",
    "Orthopedic Surgery",
    "Radiology",
}
INTERVENTIONAL = {
    "Interventional Radiology",
    "Cardiology",
    "Gastroenterology",
    "Anesthesiology",
    "Vascular Surgery",
}


@dataclass(frozen=True)
class Result:
    name: str
    best_ms: float
    budget_ms: float | None = None
    note: str = ""
    # A row that checks a result rather than a time (e.g. the plan against an exact solver).
    failed: bool = False

    @property
    def over_budget(self) -> bool:
        return self.budget_ms is not None and self.best_ms > self.budget_ms


@dataclass(frozen=True)
class HealthSystem:
    clinicians: list[PersonFacts]
    supporters: list[SupporterFacts]
    rules: Rules


def best_of(repeats: int, run: Callable[[], object]) -> tuple[float, object]:
    """The fastest of `repeats` runs in milliseconds (the others measure the machine's noise)."""
    best, outcome = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        outcome = run()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best, outcome


@cache
def health_system(
    seed: int = 2025, clinician_count: int = CLINICIANS, supporter_count: int = SUPPORTERS
) -> HealthSystem:
    """A few hospitals' worth of clinicians, a slice of whom are supporters in every state."""
    rng = random.Random(seed)
    now = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)
    nurse_specialties = [name for name in SPECIALTIES if name.endswith("Nursing")]
    physician_specialties = [name for name in SPECIALTIES if name not in nurse_specialties]
    clinicians: list[PersonFacts] = []
    chiefs: dict[tuple[str, str], int] = {}
    for person_id in range(1, clinician_count + 1):
        nurse = rng.random() < 0.45
        specialty = rng.choice(nurse_specialties if nurse else physician_specialties)
        site = rng.choice(SITES)
        rank = rng.choices([1, 2, 3, 4, 5], weights=[15, 20, 35, 22, 8])[0]
        # The first person of a department at a site supervises the ones who come after.
        supervisor = chiefs.setdefault((specialty, site), person_id)
        clinicians.append(
            PersonFacts(
                person_id=person_id,
                employee_id=f"E{person_id:06d}",
                name=f"Clinician {person_id}",
                role_type="nurse" if nurse else rng.choice(["physician", "resident", "fellow"]),
                specialty=specialty,
                department=specialty,
                rank=rank,
                interventional=specialty in INTERVENTIONAL and rng.random() < 0.7,
                supervisor_id=None if supervisor == person_id else supervisor,
                site=site,
                gender=rng.choice(["female", "male", "female", "male", "non-binary"]),
                active=rng.random() > 0.02,
            )
        )
    supporters = []
    for person in rng.sample(clinicians, supporter_count):
        status = rng.choices(["active", "nominated", "in_training", "paused", "retired"], weights=[85, 4, 5, 3, 3])[0]
        limit = rng.choice([2, 2, 2, 3])
        supporters.append(
            SupporterFacts(
                person=person,
                status=status,
                trained_on=None if status in ("nominated", "in_training") else date(2024, 1, 15),
                case_limit=limit,
                open_cases=rng.randint(0, limit),
                paused_until=now.date() + timedelta(days=10) if rng.random() < 0.03 else None,
                last_assigned_at=None
                if rng.random() < 0.3
                else now - timedelta(days=rng.randint(0, 300), hours=rng.randint(0, 23)),
                experience=frozenset(rng.sample(CATEGORIES, rng.randint(0, 3))),
                on_call=rng.random() < 0.1,
            )
        )
    rules = Rules(now=now, weights=WEIGHTS, exclude_same_department=True, whole_care_team=True)
    return HealthSystem(clinicians, supporters, rules)


def mass_casualty_cases(system: HealthSystem, count: int) -> list[CaseFacts]:
    """A major incident at one site: `count` clinicians from the acute specialties, one event."""
    rng = random.Random(7)
    acute = [p for p in system.clinicians if p.active and p.site == SITES[0] and p.specialty in EMERGENCY_SPECIALTIES]
    peers = rng.sample(acute, count)
    involved = frozenset(p.person_id for p in peers)
    return [
        CaseFacts(
            case_id=1_000 + index,
            peer=peer,
            category="patient_death",
            interventional=True,
            involved_person_ids=involved,
            preferences={"gender": "female"} if index % 10 == 0 else {},
        )
        for index, peer in enumerate(peers)
    ]


def matching_benchmarks() -> list[Result]:
    started = time.perf_counter()
    system = health_system()
    build_ms = (time.perf_counter() - started) * 1000
    note = f"{CLINICIANS:,} clinicians, {SUPPORTERS:,} supporters"

    one_case = mass_casualty_cases(system, 1)[0]
    one_case = CaseFacts(
        case_id=1,
        peer=one_case.peer,
        category="litigation",
        interventional=False,
        involved_person_ids=frozenset({one_case.peer.person_id}),
    )
    suggest_ms, suggestions = best_of(REPEATS, lambda: suggest(one_case, system.supporters, system.rules))
    cases = mass_casualty_cases(system, MASS_CASUALTY_PEERS)
    plan_ms, chosen = best_of(REPEATS, lambda: plan(cases, system.supporters, system.rules))
    assert isinstance(suggestions, list) and isinstance(chosen, dict)
    total = sum(s.score for s in chosen.values())
    return [
        Result("build synthetic health system (once)", build_ms, note=note),
        Result("suggest: one case", suggest_ms, note=f"{len(suggestions):,} eligible supporters"),
        Result(
            f"plan: mass casualty, {MASS_CASUALTY_PEERS} peers",
            plan_ms,
            budget_ms=PLAN_BUDGET_MS,
            note=f"{len(chosen)} assigned, total score {total:.2f}",
        ),
    ]


def plan_benchmarks() -> list[Result]:
    """The joint plan against an exact solver, and at the issue's scale (a 200-clinician event
    among 100,000 staff with 5,000 supporters)."""
    from peersupport.matching.tests.exact import milp_optimum, plan_value, random_instance

    # Medium instances (5-40 cases, 20-200 supporters) with and without one peer per supporter
    # per event, with the program's weights and with signed ones: plan == milp on every one.
    started = time.perf_counter()
    matched, instances = 0, 0
    for seed in range(100, 100 + PLAN_CHECK_SEEDS):
        sizes = random.Random(seed)
        case_count, supporter_count = sizes.randint(5, 40), sizes.randint(20, 200)
        for one_peer in (True, False):
            for signed_weights in (False, True):
                cases, supporters, rules = random_instance(
                    seed, case_count, supporter_count, one_peer=one_peer, signed_weights=signed_weights
                )
                chosen = plan(cases, supporters, rules)
                instances += 1
                matched += plan_value(chosen, cases, supporters, rules) == milp_optimum(cases, supporters, rules)
    check_ms = (time.perf_counter() - started) * 1000
    results = [
        Result(
            f"plan optimal vs milp on {instances} random instances",
            check_ms,
            note=f"{matched} of {instances} matched (assigned count and total cents)",
            failed=matched != instances,
        )
    ]

    system = health_system(clinician_count=EVENT_STAFF, supporter_count=EVENT_SUPPORTERS)
    cases = mass_casualty_cases(system, EVENT_PEERS)
    times = []
    for _ in range(EVENT_RUNS):
        started = time.perf_counter()
        chosen = plan(cases, system.supporters, system.rules)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    value = plan_value(chosen, cases, system.supporters, system.rules)
    results.append(
        Result(
            f"plan: {EVENT_PEERS}-clinician event, {EVENT_SUPPORTERS:,} supporters, p95 of {EVENT_RUNS}",
            p95,
            budget_ms=EVENT_PLAN_BUDGET_MS,
            note=f"core only (no HTTP); {value.assigned} assigned, {value.cents:,} cents",
        )
    )
    if os.environ.get("BENCH_PLAN_MILP_AT_SCALE"):
        # Minutes, not seconds: the exact solver over every eligible pair (~800,000).
        started = time.perf_counter()
        optimum = milp_optimum(cases, system.supporters, system.rules)
        results.append(
            Result(
                f"milp for the same {EVENT_PEERS}-clinician event",
                (time.perf_counter() - started) * 1000,
                note=f"{optimum.assigned} assigned, {optimum.cents:,} cents; plan "
                + ("matches" if optimum == value else "DIFFERS"),
                failed=optimum != value,
            )
        )
    return results


# Add database benchmarks here (each sets up Django itself and returns Result rows).
def database_benchmarks() -> list[Result]:
    from bench.db import database_benchmarks as run

    return run()


def roster_batch_benchmarks() -> list[Result]:
    from bench.roster_batch import roster_batch_benchmarks as run  # also runs alone

    return run()


def suggestion_benchmarks() -> list[Result]:
    from bench.suggestions import suggestion_benchmarks as run

    return run()


def mail_benchmarks() -> list[Result]:
    from bench.mail import mail_benchmarks as run

    return run()


def search_benchmarks() -> list[Result]:
    from bench.search import search_benchmarks as run

    return run()


def intake_benchmarks() -> list[Result]:
    from bench.intake import intake_benchmarks as run

    result: list[Result] = run()
    return result


BENCHMARKS: list[Callable[[], list[Result]]] = [
    matching_benchmarks, plan_benchmarks,
    database_benchmarks, roster_batch_benchmarks, search_benchmarks, mail_benchmarks,
    suggestion_benchmarks, intake_benchmarks,
]


def print_table(results: list[Result]) -> None:
    name_width = max(len("benchmark"), *(len(r.name) for r in results))
    print(f"{'benchmark':<{name_width}}  {'best ms':>9}  {'budget':>8}  notes")
    print(f"{'-' * name_width}  {'-' * 9}  {'-' * 8}  {'-' * 5}")
    for r in results:
        budget = "" if r.budget_ms is None else f"{r.budget_ms:,.0f}"
        flag = "  OVER BUDGET" if r.over_budget else "  FAILED" if r.failed else ""
        print(f"{r.name:<{name_width}}  {r.best_ms:>9.1f}  {budget:>8}  {r.note}{flag}")


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Benchmarks at health-system scale.")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only the benchmarks whose function name contains NAME (repeatable), "
                             f"of: {', '.join(b.__name__ for b in BENCHMARKS)}")
    chosen = [b for b in BENCHMARKS
              if not (only := parser.parse_args(argv).only) or any(name in b.__name__ for name in only)]
    print(f"best of {REPEATS} runs unless a row says p95, milliseconds\n")
    results = [result for benchmark in chosen for result in benchmark()]
    print_table(results)
    return 1 if any(r.over_budget or r.failed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
