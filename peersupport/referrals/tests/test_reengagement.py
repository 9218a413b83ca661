"""A peer who comes back after a closed case: the new case is linked to the earlier one."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peersupport.cases.models import Case, CaseState
from peersupport.referrals.services import referral_create
from peersupport.referrals.tests.test_referral_create import referral_input
from peersupport.testing.factories import make_person


def close(case: Case, days_ago: int) -> Case:
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.CLOSED, closed_at=timezone.now() - timedelta(days=days_ago), next_due_at=None
    )
    return case


def refer(referrer, *people) -> list[Case]:
    referral, _ = referral_create(referred_by=referrer, data=referral_input(*[p.employee_id for p in people]))
    return list(referral.cases.order_by("pk"))


def test_new_case_links_the_peers_most_recent_closed_case(referrer, db):
    peer = make_person()
    [older] = refer(referrer, peer)
    close(older, days_ago=200)
    [recent] = refer(referrer, peer)
    close(recent, days_ago=20)
    [new] = refer(referrer, peer)
    assert new.reengagement_of_id == recent.pk
    assert list(recent.reengagements.all()) == [new]


def test_a_first_referral_is_not_a_reengagement_and_a_still_open_case_gets_no_second(referrer, db):
    newcomer, returning = make_person(), make_person()
    [open_case] = refer(referrer, returning)  # still open
    cases = refer(referrer, newcomer, returning)
    assert [(c.peer, c.reengagement_of_id) for c in cases] == [(newcomer, None)]
    assert list(open_case.referral_links.values_list("referral__involved_count", flat=True)) == [2]


def test_one_query_finds_the_earlier_cases_of_everyone_involved(referrer, director, db):
    def queries_for(count: int) -> int:
        people = [make_person() for _ in range(count)]
        for case in refer(referrer, *people):
            close(case, days_ago=10)
        with CaptureQueriesContext(connection) as captured:
            cases = refer(referrer, *people)
        assert all(c.reengagement_of_id for c in cases)
        return len(captured)

    assert queries_for(1) == queries_for(4)
