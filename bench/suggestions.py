"""Suggestions for one case, and the case page of a case awaiting assignment, at health-system
scale: 100,000 people, 5,000 supporters (4,360 active), their open cases and five years of
closed ones. Server time, measured in the process (no HTTP): p95 over repeated requests.

`suggestions for one case` is `suggestions_for_case` as the API calls it (the top 5, with
reasons). The case page is the director's GET of /cases/<id>/ through Django's test client
(middleware, the access gate and its audit row, the template), which is what gunicorn runs.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

PEOPLE = 100_000
SUPPORTERS = 5_000
ACTIVE = 4_360
OPEN_CASES = 3_000
CLOSED_CASES = 30_000
AWAITING = 200
RUNS = 40
SUGGESTIONS_P95_MS = 25.0
CASE_PAGE_P95_MS = 100.0


def _timings(runs: int, run: Callable[[], object]) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20, method="inclusive")[-1]


def _build() -> dict[str, object]:
    from django.utils import timezone

    from peersupport.accounts.models import Role, User
    from peersupport.cases.models import Case, CaseState
    from peersupport.matching.specialties import SPECIALTIES
    from peersupport.referrals.models import Referral
    from peersupport.roster.models import Person, Supporter

    rng = random.Random(9)
    Person.objects.bulk_create(
        [
            Person(
                employee_id=f"E{i:06d}",
                name=f"Person {i}",
                email=f"p{i}@health.example",
                role_type=rng.choice(["physician", "physician", "resident", "fellow", "nurse"]),
                specialty=(specialty := rng.choice(SPECIALTIES)),
                department=f"{specialty} Department",
                rank=rng.randint(1, 5),
                interventional=rng.random() < 0.3,
                site=f"Hospital {rng.randint(1, 12)}",
                gender=rng.choice(["female", "male", ""]),
            )
            for i in range(PEOPLE)
        ],
        batch_size=5000,
    )
    ids = list(Person.objects.values_list("pk", flat=True).order_by("pk"))
    supporter_people = rng.sample(ids, SUPPORTERS)
    others = ["paused", "retired", "in_training", "nominated"]
    now = timezone.now()
    Supporter.objects.bulk_create(
        [
            Supporter(
                person_id=pk,
                status="active" if n < ACTIVE else others[n % 4],
                capacity=rng.choice([None, 2, 3, 4]),
                trained_on=date(2024, 1, 1) if n < ACTIVE or n % 4 < 2 else None,
                experience=rng.sample(["medical_error", "patient_death", "litigation"], rng.randint(0, 2)),
                on_call=rng.random() < 0.1,
                last_assigned_at=None if rng.random() < 0.3 else now - timedelta(days=rng.randint(0, 400)),
            )
            for n, pk in enumerate(supporter_people)
        ],
        batch_size=2000,
    )
    supporter_ids = list(Supporter.objects.values_list("pk", flat=True))
    director = User.objects.create_user(username="d@x.example", email="d@x.example", role=Role.DIRECTOR,
                                        password=None)
    total = AWAITING + OPEN_CASES + CLOSED_CASES
    # One referral per case, as most events involve one clinician.
    referrals = Referral.objects.bulk_create(
        [Referral(category=rng.choice(["medical_error", "patient_death", "litigation"]), occurred_on=date(2026, 1, 1),
                  summary="Benchmark event.", source="safety_report", referred_by=director) for _ in range(total)],
        batch_size=2000,
    )
    taken = set(supporter_people)
    # One case per peer of the referral: distinct peers, in a random order.
    peers = rng.sample([pk for pk in ids if pk not in taken], total)
    holding = [CaseState.ASSIGNED, CaseState.OUTREACH_MADE, CaseState.ACCEPTED]
    cases = [Case(referral=referrals[i], peer_id=peers[i], next_due_at=now) for i in range(AWAITING)]
    cases += [
        Case(referral=referrals[AWAITING + i], peer_id=peers[AWAITING + i], supporter_id=rng.choice(supporter_ids),
             state=rng.choice(holding), assigned_at=now)
        for i in range(OPEN_CASES)
    ]
    cases += [
        Case(referral=referrals[AWAITING + OPEN_CASES + i], peer_id=peers[AWAITING + OPEN_CASES + i],
             supporter_id=rng.choice(supporter_ids),
             state=CaseState.CLOSED, assigned_at=now - timedelta(days=400),
             closed_at=now - timedelta(days=rng.randint(1, 5 * 365)))
        for i in range(CLOSED_CASES)
    ]
    Case.objects.bulk_create(cases, batch_size=2000)
    return {"director": director}


def suggestion_benchmarks() -> list:
    from bench.db import _setup_django
    from bench.run import Result

    os.environ.setdefault("DEBUG", "false")
    _setup_django()
    start = time.perf_counter()
    data = _build()
    build_ms = (time.perf_counter() - start) * 1000

    from django.test import Client

    from peersupport.cases.models import Case, CaseState
    from peersupport.matching.selectors import SUGGESTION_COUNT, suggestions_for_case

    scale = f"{PEOPLE:,} people, {SUPPORTERS:,} supporters"
    results = [Result(f"build {scale} and {OPEN_CASES + CLOSED_CASES:,} cases (once)", build_ms)]
    awaiting = list(Case.objects.with_details().filter(state=CaseState.AWAITING_ASSIGNMENT)[:RUNS])

    cold = _timings(1, lambda: suggestions_for_case(awaiting[0], limit=SUGGESTION_COUNT))[0]
    served = iter(awaiting * 2)
    timings = _timings(RUNS, lambda: suggestions_for_case(next(served), limit=SUGGESTION_COUNT))
    results.append(Result(f"suggestions for one case, p95 ({SUPPORTERS:,} supporters)", _p95(timings),
                          SUGGESTIONS_P95_MS,
                          note=f"median {statistics.median(timings):.1f} ms, first call {cold:.1f} ms"))

    from peersupport.accounts.testing import force_login_verified

    client = Client(HTTP_HOST="localhost")
    # Signed in and past the second step, as a director at work is.
    force_login_verified(client, data["director"])  # type: ignore[arg-type]  # a User from _build
    pages = iter(awaiting * 2)

    def case_page() -> None:
        response = client.get(f"/cases/{next(pages).pk}/")
        assert response.status_code == 200, (response.status_code, response.get("Location"))

    cold = _timings(1, case_page)[0]
    timings = _timings(RUNS, case_page)
    results.append(Result("case page of a case awaiting assignment, p95", _p95(timings), CASE_PAGE_P95_MS,
                          note=f"median {statistics.median(timings):.1f} ms, first call {cold:.1f} ms"))
    return results
