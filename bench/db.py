"""Database benchmarks at health-system scale: 100,000 people, 2,000 supporters.

Builds the data in a scratch database (an SQLite file in a temporary folder, or
BENCH_DATABASE_URL, e.g. a PostgreSQL database you can wipe), then times the queries the
director and the intake run most, and counts their SQL queries to show there is no N+1.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

PEOPLE = 100_000
SUPPORTERS = 2_000
AWAITING = 400
MASS_CASUALTY = 120


def _setup_django() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="peersupport-bench-"))
    # Never the configured DATABASE_URL: the benchmark writes 100,000 people.
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0) if "BENCH_DATABASE_URL" in os.environ else None
    call_command("migrate", "--noinput", verbosity=0)


def _timed(repeats: int, run: Callable[[], object]) -> tuple[float, object, int]:
    """Best wall time in ms, the last result, and the number of SQL queries of one run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best, result, queries = float("inf"), None, 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = run()
            best = min(best, (time.perf_counter() - start) * 1000)
        queries = len(captured)
    return best, result, queries


def _build() -> dict:
    from django.utils import timezone

    from peersupport.accounts.models import Role, User
    from peersupport.cases.models import Case
    from peersupport.matching.specialties import SPECIALTIES
    from peersupport.referrals.models import Referral
    from peersupport.roster.models import Person, Supporter

    rng = random.Random(7)
    people = [
        Person(
            employee_id=f"E{i:06d}",
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            email=f"p{i}@health.example",
            phone=f"+1 555 {i:06d}",
            role_type=rng.choice(["physician", "physician", "resident", "fellow"]),
            specialty=(specialty := rng.choice(SPECIALTIES)),
            department=f"{specialty} Department",
            rank=rng.randint(1, 5),
            interventional=rng.random() < 0.3,
            site=f"Hospital {rng.randint(1, 25)}",
        )
        for i in range(PEOPLE)
    ]
    Person.objects.bulk_create(people, batch_size=5000)
    ids = list(Person.objects.values_list("pk", flat=True).order_by("pk"))
    supporter_ids = rng.sample(ids, SUPPORTERS)
    Supporter.objects.bulk_create(
        [Supporter(person_id=pk, status="active", capacity=rng.choice([2, 3]), trained_on=date(2025, 1, 1))
         for pk in supporter_ids],
        batch_size=2000,
    )
    director = User.objects.create_user(username="d@x.example", email="d@x.example", role=Role.DIRECTOR,
                                        password=None)
    now = timezone.now()
    referral = Referral.objects.create(category="medical_error", occurred_on=date(2026, 11, 1),
                                       summary="Benchmark event.", source="safety_report", referred_by=director)
    taken = set(supporter_ids)
    peers = [pk for pk in ids if pk not in taken][:AWAITING]
    Case.objects.bulk_create(
        [Case(referral=referral, peer_id=pk, next_due_at=now + timedelta(minutes=rng.randint(-600, 600)))
         for pk in peers]
    )
    return {"director": director, "first_peer_ids": [f"E{i:06d}" for i in range(AWAITING, AWAITING + 3000)]}


def database_benchmarks() -> list:
    from bench.run import Result

    _setup_django()
    start = time.perf_counter()
    data = _build()
    build_ms = (time.perf_counter() - start) * 1000

    from peersupport.cases.access import cases_for_user
    from peersupport.matching.selectors import plan_for_referral
    from peersupport.referrals.services import ReferralInput, referral_create
    from peersupport.roster.models import Person

    director = data["director"]
    results = [Result(f"build {PEOPLE:,} people, {SUPPORTERS:,} supporters (once)", build_ms)]

    def roster_search():
        # What the Roster page runs: one row more than its 50, no count (bench/search.py: p95 rows).
        return list(Person.objects.search("mar")[:51])

    ms, _, queries = _timed(5, roster_search)
    results.append(Result("roster type-ahead / search page", ms, 200, note=f"{queries} queries"))

    def queue_page():
        cases = cases_for_user(director).awaiting_assignment().most_overdue_first().with_details()
        return cases.count(), [(c.peer.name, c.referral.category) for c in cases[:50]]

    ms, _, queries = _timed(5, queue_page)
    results.append(Result("director's queue, first page of 50", ms, 200, note=f"{queries} queries"))

    # Suggestions for one case and the case page: bench/suggestions.py, at 5,000 supporters.

    involved = iter(data["first_peer_ids"])

    def intake():
        ids = [next(involved) for _ in range(MASS_CASUALTY)]
        data_in = ReferralInput(category="patient_death", occurred_on=date(2026, 11, 20),
                                summary="Mass-casualty event in the emergency department.",
                                involved_employee_ids=ids, source="safety_report")
        return referral_create(referred_by=director, data=data_in)[0]

    ms, referral, queries = _timed(3, intake)
    results.append(Result(f"intake of a {MASS_CASUALTY}-clinician referral", ms, 2000, note=f"{queries} queries"))

    ms, proposal, queries = _timed(3, lambda: plan_for_referral(referral.pk))
    results.append(Result(f"joint plan for {MASS_CASUALTY} cases (load + solve)", ms, 1000,
                          note=f"{len(proposal)} assigned, {queries} queries"))
    return results


FIRST = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lena",
         "Mara", "Mario", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vik", "Wen"]
LAST = ["Adams", "Baker", "Cho", "Diaz", "Evans", "Fofana", "Garcia", "Huang", "Ito", "Jones", "Khan",
        "Lopez", "Marsh", "Novak", "Okafor", "Patel", "Reyes", "Silva", "Tanaka", "Umar", "Vogel", "Wong"]
