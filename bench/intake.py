"""Referral intake throughput against a trivial token-authenticated endpoint, on the real stack.

    bench/run.py --only intake [--database sqlite|postgresql]

gunicorn with the sample configuration (deploy/gunicorn.conf.py) and INTAKE_WORKERS workers, in
production mode (so DB_CONN_MAX_AGE is 60), on this run's scratch copy of the generated health
system. A bounded load generator on loopback (a thread pool, INTAKE_CLIENTS at a time) sends
INTAKE_REQUESTS requests to `GET /api/v1/resources` and then as many `POST /api/v1/referrals`,
each a referral of a clinician with no case yet, both with a referrer's API token; INTAKE_ROUNDS
times, alternating, so that both endpoints see the same machine (another process that starts or
stops during the run shifts one round, not one endpoint). The figure is the median of the rounds'
ratios. The budget: intake at least half the trivial endpoint's requests per second.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

WORKERS = int(os.environ.get("INTAKE_WORKERS", "4"))
CLIENTS = int(os.environ.get("INTAKE_CLIENTS", "8"))
REQUESTS = int(os.environ.get("INTAKE_REQUESTS", "400"))
ROUNDS = int(os.environ.get("INTAKE_ROUNDS", "3"))
TIME_LIMIT_S = 120.0  # each phase stops sending after this long, whatever is left
MIN_RATIO = 0.5  # the goal: intake at least half the trivial endpoint's throughput


def _phase(send: Callable[[int], int], first: int = 0) -> tuple[float, int, list[int]]:
    """Requests per second, how many were sent, and the statuses that were not 2xx; the
    requests are numbered from `first`."""
    deadline = time.monotonic() + TIME_LIMIT_S
    started = time.perf_counter()

    def one(n: int) -> int:
        return send(n) if time.monotonic() < deadline else 0

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        statuses = list(pool.map(one, range(first, first + REQUESTS)))
    elapsed = time.perf_counter() - started
    sent = [s for s in statuses if s]
    return len(sent) / elapsed, len(sent), [s for s in sent if not 200 <= s < 300]


def measure() -> dict[str, float | int | str]:
    from django.db import connection

    from bench.common import api, api_key, fresh_people, gunicorn
    from peersupport.accounts.models import Role, User

    referrer = User.objects.filter(role=Role.REFERRER, is_active=True).order_by("pk").first()
    assert referrer is not None, "bench: the data set has no referrer"
    key = api_key(referrer)
    peers = [person.employee_id for person in fresh_people(REQUESTS * ROUNDS)]
    vendor = connection.vendor
    # The production default (60) unless INTAKE_CONN_MAX_AGE says otherwise (0: compare).
    extra = {"DB_CONN_MAX_AGE": os.environ["INTAKE_CONN_MAX_AGE"]} if "INTAKE_CONN_MAX_AGE" in os.environ else {}
    with gunicorn(WORKERS, **extra) as server:
        base = f"{server}/api/v1"
        # Every worker imports, connects and warms up: requests sent together, so that each worker
        # takes some (one after another, the same idle worker may answer them all, and a cold one
        # would then slow the first timed round).
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            list(pool.map(lambda _: api(f"{base}/resources", key), range(8 * WORKERS)))
        def refer(n: int) -> int:
            return api(f"{base}/referrals", key, {
                "event": {"category": "medical_error", "occurred_on": time.strftime("%Y-%m-%d"),
                          "summary": "Unexpected airway complication on Ward Seven during a procedure."},
                "involved": [{"employee_id": peers[n]}],
                "source": "safety_report",
            })[0]

        rounds = []
        for number in range(ROUNDS):
            trivial, trivial_sent, trivial_bad = _phase(lambda n: api(f"{base}/resources", key)[0])
            intake, intake_sent, intake_bad = _phase(refer, first=number * REQUESTS)
            if trivial_bad or intake_bad:
                raise AssertionError(f"errors: trivial {sorted(set(trivial_bad))}, intake {sorted(set(intake_bad))}")
            rounds.append((intake / trivial, trivial, intake, intake_sent))
    ratio, trivial, intake, _ = sorted(rounds)[len(rounds) // 2]
    return {"database": vendor, "workers": WORKERS, "clients": CLIENTS, "trivial_rps": trivial,
            "intake_rps": intake, "ratio": ratio, "rounds": ", ".join(f"{r[0]:.2f}" for r in rounds),
            "intake_sent": sum(r[3] for r in rounds)}


def intake_benchmarks() -> list:
    from bench.run import Result

    m = measure()
    return [Result(
        f"referral intake throughput vs a trivial endpoint (gunicorn, {m['workers']} workers)",
        float(m["ratio"]), MIN_RATIO, unit="x", higher_is_better=True, database=str(m["database"]),
        informational=("SQLite takes one writer at a time: every intake waits for the one before it to commit; "
                       "the goal is measured on PostgreSQL") if m["database"] == "sqlite" else "",
        note=f"median of {ROUNDS} rounds ({m['rounds']}): {float(m['intake_rps']):.0f} vs "
             f"{float(m['trivial_rps']):.0f} requests/s for GET /resources; {m['intake_sent']} referrals, "
             f"{m['clients']} clients",
    )]
