"""The joint plan for a 200-clinician event over HTTP, and case reads while such a plan is applied,
on the generated health system behind gunicorn (deploy/gunicorn.conf.py, 4 workers, production
mode: DEBUG off, connections kept 60 s).

The event: referrals of 200 clinicians each, at one hospital, made through the intake service
in this run's scratch copy (the generator makes events of one to three clinicians).

- `GET /api/v1/referrals/{id}/plan` with the director's API token, one request at a time:
  p95 of PLAN_RUNS after every worker has answered once. The answer must be the plan the
  service computes in-process (which bench/run.py --only plan checks against an exact solver on
  random instances) and assign every case.
- Applying a 200-case plan: the director's POST of the web plan page (`referral_plan_page`: the
  API has no apply endpoint), signed in with the second step done, while READERS clients read
  case pages (`GET /cases/{id}/`, open cases of other referrals) in a loop. The figure is the
  worst extra latency of a read that overlapped the apply: its time minus the median of the
  same reads with no plan running just before.
"""

from __future__ import annotations

import itertools
import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

EVENT_PEERS = 200
APPLY_RUNS = 3
PLAN_RUNS = 30
PLAN_P95_MS = 300.0
READ_WAIT_BUDGET_MS = 100.0
READERS = 2
# SQLite takes one writer at a time, and a case read writes its audit entry: on SQLite it waits
# for the plan's transaction whatever the code does. The goal is PostgreSQL's, where a
# health system of this size runs.
SQLITE_ONE_WRITER = ("SQLite takes one writer at a time and a case read writes its audit entry, so it waits for "
                     "the plan's transaction; the goal is measured on PostgreSQL")
BASELINE_S = 4.0
SUMMARY = "A patient died in the emergency department shortly after arrival."


def _events(director: Any) -> list[Any]:
    from django.utils import timezone

    from bench.common import fresh_people
    from peersupport.referrals.services import ReferralInput, referral_create
    from peersupport.roster.models import Person

    site = Person.objects.order_by("pk").values_list("site", flat=True).first()
    people = fresh_people(EVENT_PEERS * APPLY_RUNS, site=site)
    referrals = []
    for run in range(APPLY_RUNS):
        peers = people[run * EVENT_PEERS:(run + 1) * EVENT_PEERS]
        referral, _ = referral_create(referred_by=director, data=ReferralInput(
            category="patient_death", occurred_on=timezone.localdate(), summary=SUMMARY, interventional=True,
            involved_employee_ids=[p.employee_id for p in peers], source="safety_report"))
        referrals.append(referral)
    return referrals


def _reads(base: str, headers: dict[str, str], case_ids: list[int], seconds: float | None,
           stop: threading.Event | None = None) -> list[tuple[float, float]]:
    """(start, end) of each case page read by READERS clients, for `seconds` or until `stop`."""
    from bench.common import http

    spans: list[tuple[float, float]] = []
    errors: list[int] = []
    deadline = time.perf_counter() + seconds if seconds is not None else None
    ids = itertools.cycle(case_ids)
    lock = threading.Lock()

    def read() -> None:
        while not (stop is not None and stop.is_set()) and (deadline is None or time.perf_counter() < deadline):
            with lock:
                case_id = next(ids)
            started = time.perf_counter()
            status, _ = http(f"{base}/cases/{case_id}/", headers=headers)
            ended = time.perf_counter()
            with lock:
                spans.append((started, ended))
                if status != 200:
                    errors.append(status)

    threads = [threading.Thread(target=read) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise AssertionError(f"bench: case page reads answered {sorted(set(errors))}")
    return spans


def _reads_into(spans: list[tuple[float, float]], base: str, headers: dict[str, str], case_ids: list[int],
                stop: threading.Event) -> None:
    spans.extend(_reads(base, headers, case_ids, None, stop))


def plan_http_benchmarks() -> list:
    from django.db import connection

    from bench.common import GUNICORN_WORKERS, api, api_key, director, gunicorn, http, p95, web_session
    from bench.run import Result
    from peersupport.cases.models import Case, CaseState
    from peersupport.matching.selectors import plan_for_referral

    boss = director()
    referrals = _events(boss)
    expected = {case_id: s.employee_id for case_id, s in plan_for_referral(referrals[0].pk).items()}
    key = api_key(boss)
    session = web_session(boss)
    open_cases = list(Case.objects.filter(state__in=[CaseState.ASSIGNED, CaseState.OUTREACH_MADE,
                                                     CaseState.ACCEPTED]).order_by("pk").values_list("pk", flat=True))
    assert open_cases, "bench: the data set has no open case"
    results = []
    with gunicorn() as base:
        plan_url = f"{base}/api/v1/referrals/{referrals[0].pk}/plan"
        cold_started = time.perf_counter()
        status, body = api(plan_url, key)
        cold_ms = (time.perf_counter() - cold_started) * 1000
        assert status == 200, (status, body[:300])
        # Every worker builds its supporters' facts once: requests sent together, so that each
        # worker takes some (one after another, the same idle worker may answer them all).
        with ThreadPoolExecutor(max_workers=2 * GUNICORN_WORKERS) as pool:
            list(pool.map(lambda _: api(plan_url, key), range(4 * GUNICORN_WORKERS)))
        timings, answer = [], b""
        for _ in range(PLAN_RUNS):
            started = time.perf_counter()
            status, answer = api(plan_url, key)
            timings.append((time.perf_counter() - started) * 1000)
            assert status == 200, (status, answer[:300])
        served = {item["case_id"]: item["employee_id"] for item in json.loads(answer)}
        same = served == expected
        results.append(Result(
            f"joint plan for a {EVENT_PEERS}-clinician event over HTTP, p95", p95(timings), PLAN_P95_MS,
            note=f"median {statistics.median(timings):.0f} ms, first call {cold_ms:.0f} ms; {len(served)} of "
                 f"{EVENT_PEERS} cases assigned"
                 + ("" if same else "; DIFFERS from the in-process plan")
                 + ("" if len(served) == EVENT_PEERS else "; NOT every case assigned"),
            failed=not same or len(served) != EVENT_PEERS))

        headers = session.headers()
        post_headers = {**headers, "X-CSRFToken": session.csrf_token,
                        "Content-Type": "application/x-www-form-urlencoded"}
        _reads(base, headers, open_cases, seconds=1.0)  # every worker has rendered a case page
        worst_extra, worst_run = -1.0, ""
        apply_times, overlapping_all = [], []
        for referral in referrals:
            baseline = [end - start for start, end in _reads(base, headers, open_cases, seconds=BASELINE_S)]
            typical = statistics.median(baseline) * 1000
            stop = threading.Event()
            spans: list[tuple[float, float]] = []
            readers = threading.Thread(target=_reads_into, args=(spans, base, headers, open_cases, stop))
            readers.start()
            time.sleep(0.5)
            applied_at = time.perf_counter()
            status, body = http(f"{base}/referrals/{referral.pk}/plan/", method="POST", headers=post_headers,
                                body=f"csrfmiddlewaretoken={session.csrf_token}".encode())
            applied_end = time.perf_counter()
            time.sleep(0.5)
            stop.set()
            readers.join()
            assert status == 302, (status, body[:500])
            overlapping = [(end - start) * 1000 for start, end in spans if start < applied_end and end > applied_at]
            assert overlapping, "bench: no case read overlapped the apply"
            apply_times.append((applied_end - applied_at) * 1000)
            overlapping_all.extend(overlapping)
            extra = max(overlapping) - typical
            if extra > worst_extra:
                worst_extra = extra
                worst_run = (f"worst read {max(overlapping):.0f} ms vs median {typical:.0f} ms without a plan "
                             f"({len(baseline)} reads)")
    assigned = Case.objects.filter(referral__in=referrals, supporter__isnull=False).count()
    results.append(Result(
        f"a case read while a {EVENT_PEERS}-case plan is applied (worst extra wait)", worst_extra,
        READ_WAIT_BUDGET_MS,
        note=f"{worst_run}; {len(overlapping_all)} reads overlapped {APPLY_RUNS} applies by the web page "
             f"(median apply {statistics.median(apply_times) / 1000:.1f} s), {READERS} readers; "
             f"{assigned} of {EVENT_PEERS * APPLY_RUNS} cases assigned",
        failed=assigned != EVENT_PEERS * APPLY_RUNS,
        informational=SQLITE_ONE_WRITER if connection.vendor == "sqlite" else ""))
    return results
