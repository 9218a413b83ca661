"""Suggestions for one case, and the case page of a case awaiting assignment, on the generated
health system: 100,000 people, 5,000 supporters in every state, five years of history. Server
time, measured in the process (no HTTP): p95 over repeated requests.

`suggestions for one case` is `suggestions_for_case` as the API calls it (the top 5, with
reasons). The case page is the director's GET of /cases/<id>/ through Django's test client
(middleware, the access gate and its audit row, the template), which is what gunicorn runs.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable

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


def suggestion_benchmarks() -> list:
    from django.test import Client, override_settings

    from bench.common import director, p95
    from bench.run import Result
    from peersupport.accounts.testing import force_login_verified
    from peersupport.cases.models import Case, CaseState
    from peersupport.matching.selectors import SUGGESTION_COUNT, suggestions_for_case
    from peersupport.roster.models import Supporter

    awaiting = list(Case.objects.with_details().filter(state=CaseState.AWAITING_ASSIGNMENT).order_by("pk")[:RUNS])
    assert awaiting, "bench: the data set has no case awaiting assignment"
    supporters = Supporter.objects.count()
    results = []

    cold = _timings(1, lambda: suggestions_for_case(awaiting[0], limit=SUGGESTION_COUNT))[0]
    served = itertools.cycle(awaiting)
    timings = _timings(RUNS, lambda: suggestions_for_case(next(served), limit=SUGGESTION_COUNT))
    results.append(Result(f"suggestions for one case, p95 ({supporters:,} supporters)", p95(timings),
                          SUGGESTIONS_P95_MS,
                          note=f"median {statistics.median(timings):.1f} ms, first call {cold:.1f} ms, "
                               f"{len(awaiting)} cases awaiting"))

    client = Client(HTTP_HOST="localhost")
    # Signed in and past the second step, as a director at work is.
    force_login_verified(client, director())
    pages = itertools.cycle(awaiting)

    def case_page() -> None:
        response = client.get(f"/cases/{next(pages).pk}/")
        assert response.status_code == 200, (response.status_code, response.get("Location"))

    with override_settings(DEBUG=False, ALLOWED_HOSTS=["localhost"]):
        cold = _timings(1, case_page)[0]
        timings = _timings(RUNS, case_page)
    results.append(Result("case page of a case awaiting assignment, p95", p95(timings), CASE_PAGE_P95_MS,
                          note=f"median {statistics.median(timings):.1f} ms, first call {cold:.1f} ms"))
    return results
