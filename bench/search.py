"""Roster search on the generated health system (100,000 people), through the whole web stack
(middleware, sign-in, the view, its template) with DEBUG off, in-process: what the server spends
on one search, as p95 of many searches for different people.

`bench/run.py --only search` runs these rows alone (`--database sqlite|postgresql` for one).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

SAMPLES = 60
# The goal: roster search by employee id at 100,000 people, p95 <= 100 ms.
SEARCH_BUDGET_MS = 100.0


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def _timed_requests(paths: list[str], check: Callable[[bytes], bool], htmx: bool = False) -> list[float]:
    from django.test import Client, override_settings

    from peersupport.accounts.models import Role, User
    from peersupport.accounts.testing import force_login_verified

    director = User.objects.filter(role=Role.DIRECTOR).first()
    assert director is not None
    client = Client(headers={"HX-Request": "true"} if htmx else {})
    force_login_verified(client, director)  # signed in with the second step, as a director is
    samples = []
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        client.get(paths[0])  # the first request warms the process (templates, URL resolver)
        for path in paths:
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and check(response.content), path
    return samples


def search_benchmarks() -> list:
    from django.db import connection

    from bench.run import Result
    from peersupport.roster.models import Person

    rng = random.Random(11)
    everyone = list(Person.objects.order_by("pk").values_list("employee_id", flat=True))
    people = len(everyone)
    ids = rng.sample(everyone, SAMPLES)
    results = []

    one_row = b'data-testid="roster-row"'
    samples = _timed_requests([f"/roster/?q={i}" for i in ids], lambda body: body.count(one_row) == 1)
    # The goal, on both databases: PostgreSQL reads its id prefix index (roster migration
    # 0002), SQLite its NOCASE index of ids (0003).
    budget = SEARCH_BUDGET_MS
    results.append(Result(f"roster search by employee id at {people:,} people (p95)", p95(samples), budget,
                          note=f"median {statistics.median(samples):.1f} ms, {SAMPLES} ids, {connection.vendor}"))

    prefixes = [i[:6].lower() for i in ids]  # "h00123": 100 ids, the first 10 shown
    samples = _timed_requests([f"/roster/lookup/?q={p}" for p in prefixes], lambda body: b"H0" in body, htmx=True)
    results.append(Result("referral type-ahead by id prefix (p95)", p95(samples), budget,
                          note=f"median {statistics.median(samples):.1f} ms, {SAMPLES} prefixes"))

    words = [rng.choice(["mar", "walsh", "chen", "okafor", "ta", "nguyen", "priya k"]) for _ in range(SAMPLES)]
    samples = _timed_requests([f"/roster/?q={w.replace(' ', '+')}&page={rng.randint(1, 3)}" for w in words],
                              lambda body: b"roster-row" in body)
    results.append(Result("roster search by name, pages 1-3 (p95)", p95(samples),
                          note=f"median {statistics.median(samples):.1f} ms, no count, {connection.vendor}"))
    return results
