"""Database benchmarks on the generated health system (100,000 people, 5,000 supporters, five
years of history): the queries the director and the intake run most, timed in-process, with
their SQL query counts to show there is no N+1.
"""

from __future__ import annotations

import time
from collections.abc import Callable

MASS_CASUALTY = 120


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


def database_benchmarks() -> list:
    from django.utils import timezone

    from bench.common import director as program_director
    from bench.common import fresh_people
    from bench.run import Result
    from peersupport.cases.access import cases_for_user
    from peersupport.matching.selectors import plan_for_referral
    from peersupport.referrals.services import ReferralInput, referral_create
    from peersupport.roster.models import Person

    director = program_director()
    results = []

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

    involved = iter([person.employee_id for person in fresh_people(3 * MASS_CASUALTY)])

    def intake():
        ids = [next(involved) for _ in range(MASS_CASUALTY)]
        data_in = ReferralInput(category="patient_death", occurred_on=timezone.localdate(),
                                summary="Mass-casualty event in the emergency department.",
                                involved_employee_ids=ids, source="safety_report")
        return referral_create(referred_by=director, data=data_in)[0]

    ms, referral, queries = _timed(3, intake)
    results.append(Result(f"intake of a {MASS_CASUALTY}-clinician referral", ms, 2000, note=f"{queries} queries"))

    ms, proposal, queries = _timed(3, lambda: plan_for_referral(referral.pk))
    results.append(Result(f"joint plan for {MASS_CASUALTY} cases (load + solve)", ms, 1000,
                          note=f"{len(proposal)} assigned, {queries} queries"))
    return results


