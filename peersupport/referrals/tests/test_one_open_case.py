"""One open case per clinician: a referral of a peer whose case is open links to that case, the
director sees "also referred in #N", and the retention purge handles the link."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.cases.actions import case_record_outreach, case_record_response
from peersupport.cases.models import Case, CaseReferralLink, CaseState
from peersupport.cases.retention import retention_purge
from peersupport.cases.tests.test_retention import CLOSED_ON, NOW, supported_case
from peersupport.front.tests.helpers import assign, refer
from peersupport.notifications.models import OutboxMessage
from peersupport.referrals.models import Referral
from peersupport.testing.factories import make_person


def test_a_peer_with_an_open_case_gets_no_second_one_and_the_referral_is_linked(referrer, director, db):
    peer, other = make_person(), make_person()
    first = refer(referrer, peer)
    [open_case] = first.cases.all()
    mails_before = OutboxMessage.objects.filter(kind="new_referral").count()

    second = refer(referrer, peer, other)

    assert second.involved_count == 2
    assert [c.peer for c in second.cases.all()] == [other]
    assert Case.objects.filter(peer=peer).count() == 1
    assert list(open_case.referral_links.values_list("referral_id", flat=True)) == [second.pk]
    entry = AuditEntry.objects.get(action="case.also_referred")
    assert (entry.object_id, entry.detail) == (str(open_case.pk), {"referral": second.pk})
    assert AuditEntry.objects.get(action="referral.create", object_id=str(second.pk)).detail["linked_cases"] == 1
    # The directors hear of the one new case.
    assert OutboxMessage.objects.filter(kind="new_referral").count() == mails_before + 1


def test_a_referral_of_only_peers_in_support_sends_the_directors_nothing(referrer, director, db):
    peer = make_person()
    refer(referrer, peer)
    before = OutboxMessage.objects.filter(kind="new_referral").count()
    refer(referrer, peer)
    assert OutboxMessage.objects.filter(kind="new_referral").count() == before


def test_a_peer_who_declined_gets_a_new_case_for_a_new_event(referrer, director, supporter_a, db):
    peer = make_person()
    case = assign(director, refer(referrer, peer).cases.get(), supporter_a)
    actor = supporter_a.person.user
    case_record_outreach(actor=actor, case_id=case.pk, channel="call")
    case_record_response(actor=actor, case_id=case.pk, response="declined")
    assert Case.objects.get(pk=case.pk).state == CaseState.DECLINED

    later = refer(referrer, peer)
    assert later.cases.count() == 1 and not CaseReferralLink.objects.exists()


def test_the_director_sees_also_referred_on_the_case_and_in_the_queue(client, referrer, director, db):
    peer = make_person(name="Pat Peer")
    [case] = refer(referrer, peer).cases.all()
    second = refer(referrer, peer, category="litigation")
    third = refer(referrer, peer)
    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    shown = page.split('data-testid="also-referred">')[1].split("</p>")[0]
    assert f">#{second.pk}</a> (litigation)" in shown and f">#{third.pk}</a>" in shown
    queue = client.get(reverse("queue")).content.decode()
    assert queue.count('data-testid="also-referred"') == 1 and f">#{second.pk}</a>" in queue


def test_the_queue_reads_the_links_of_a_whole_page_in_one_query(client, referrer, director, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count: int) -> int:
        for _ in range(count):
            peer = make_person()
            refer(referrer, peer)
            refer(referrer, peer)
        client.force_login(director)
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("queue"))
        return len(captured)

    assert queries(1) == queries(3)


# The retention purge ------------------------------------------------------------------------

def team_of(director, supporter_a, referrer):
    from peersupport.resources.models import Resource

    resource = Resource.objects.create(name="Employee Assistance Program", category="counseling", contact="x")
    return {"director": director, "supporter": supporter_a, "referrer": referrer, "resource": resource}


def test_a_referral_linked_to_a_purged_case_is_purged_and_the_link_keeps_no_exact_date(
        director, supporter_a, referrer, db):
    team = team_of(director, supporter_a, referrer)
    peer = make_person()
    with time_machine.travel(CLOSED_ON - timedelta(days=3), tick=False):
        first = refer(referrer, peer, occurred_on=timezone.localdate() - timedelta(days=1))
        linked = refer(referrer, peer, occurred_on=timezone.localdate(), external_ref="SR-1")
    supported_case(team, peer, referral=first)

    result = retention_purge(now=NOW)

    assert result.referrals == 2
    linked.refresh_from_db()
    assert linked.purged_at == NOW and (linked.summary, linked.external_ref) == ("", "")
    assert linked.occurred_on.day == 1
    link = CaseReferralLink.objects.get()
    assert (link.linked_at.day, link.linked_at.hour) == (1, 0)
    assert AuditEntry.objects.get(action="referral.purged", object_id=str(linked.pk)).detail == {
        "cases": 0, "linked_cases": 1}


def test_a_referral_keeps_its_sentence_while_a_case_it_is_linked_to_is_open(director, supporter_a, referrer, db):
    team = team_of(director, supporter_a, referrer)
    closed_peer, open_peer = make_person(), make_person()
    with time_machine.travel(CLOSED_ON - timedelta(days=3), tick=False):
        refer(referrer, open_peer, occurred_on=timezone.localdate())  # stays open
        both = refer(referrer, closed_peer, open_peer, occurred_on=timezone.localdate())
    supported_case(team, closed_peer, referral=both)

    result = retention_purge(now=NOW)

    assert result.cases == 1 and result.referrals == 0
    assert Referral.objects.get(pk=both.pk).summary != ""
    assert datetime(2024, 1, 1, tzinfo=UTC) < CaseReferralLink.objects.get().linked_at
