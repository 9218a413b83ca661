""""I'd like to talk now": the personal link in every email to a peer after an earlier case."""

import pytest
import time_machine
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditEntry
from peersupport.cases.actions import case_record_outreach, case_record_response, case_send_information_sheet
from peersupport.cases.models import Case, CaseState
from peersupport.front.tests.helpers import assign, refer
from peersupport.notifications.models import OutboxMessage
from peersupport.referrals.models import Referral
from peersupport.resources.models import Resource
from peersupport.support.links import TALK, link_url, make_token
from peersupport.support.tests.helpers import link_in
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def declined():
    director = make_user(Role.DIRECTOR, email="director@example.org")
    referrer = make_user(Role.REFERRER)
    peer = make_person(name="Robin Peer", email="robin@example.org", department="Emergency")
    supporter = make_supporter(make_person(name="Sam Supporter", department="Surgery"))
    supporter_user = make_user(Role.SUPPORTER, person=supporter.person)
    Resource.objects.create(name="Crisis line", category="crisis", contact="988")
    case = assign(director, refer(referrer, peer).cases.get(), supporter)
    case_record_outreach(actor=supporter_user, case_id=case.pk, channel="call")
    case_record_response(actor=supporter_user, case_id=case.pk, response="declined")
    case.refresh_from_db()
    return case


def talk_link(kind: str = "open_invitation") -> str:
    message = OutboxMessage.objects.filter(kind=kind).latest("pk")
    return link_in(message.body, "/support/talk/")


def test_the_open_invitation_carries_a_personal_link_and_the_public_ask_page(declined):
    body = OutboxMessage.objects.get(to="robin@example.org").body
    # The way back when the link has expired: the case's program's own ask page.
    assert "I'd like to talk now" in body and "/support/talk/" in body and "/support/main/ask/" in body


def test_opening_the_link_only_asks_to_confirm_so_a_mail_scanner_changes_nothing(client, declined):
    response = client.get(talk_link())
    assert response.status_code == 200 and "Yes, I'd like to talk" in response.content.decode()
    assert Case.objects.count() == 1


def test_one_click_puts_the_peer_back_in_the_queue_as_a_reengagement(client, declined):
    response = client.post(talk_link(), follow=True)
    assert response.status_code == 200 and "We have your request" in response.content.decode()
    new = Case.objects.exclude(pk=declined.pk).get()
    assert new.peer == declined.peer and new.state == CaseState.AWAITING_ASSIGNMENT
    assert new.reengagement_of == declined
    assert new.referral.source == "self" and new.referral.referred_by is None
    assert new.referral.category == declined.referral.category
    declined.refresh_from_db()
    assert declined.state == CaseState.DECLINED  # closed by its supporter as usual
    entry = AuditEntry.objects.get(action="support.link_used")
    assert entry.actor_label == "anonymous" and entry.detail == {"purpose": "talk", "person": declined.peer_id,
                                                                  "source": "self"}


def test_the_talk_link_works_once(client, declined):
    url = talk_link()
    client.post(url)
    again = client.post(url)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert Referral.objects.count() == 2


def test_an_expired_or_altered_talk_link_gives_the_kind_page(client, declined, settings):
    url = talk_link()
    with time_machine.travel(timezone.now() + timezone.timedelta(days=settings.INVITATION_LINK_DAYS, hours=1)):
        expired = client.post(url)
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    altered = client.post(url.replace("/support/talk/", "/support/talk/x"))
    assert altered.status_code == 410 and "/support/ask/" in altered.content.decode()
    assert Referral.objects.count() == 1


def test_a_link_for_a_case_of_someone_else_opens_nothing_of_theirs(client, declined):
    other = make_person(email="other@example.org")
    response = client.post(link_url(TALK, make_token(TALK, person_id=other.pk, case_id=declined.pk)))
    assert response.status_code == 302
    new = Case.objects.get(peer=other)
    assert new.reengagement_of is None and new.referral.summary != declined.referral.summary


def test_a_purged_earlier_case_still_lets_the_peer_come_back(client, declined):
    Case.objects.filter(pk=declined.pk).update(purged_at=timezone.now())
    client.post(talk_link())
    new = Case.objects.exclude(pk=declined.pk).get()
    assert new.referral.category == "other" and new.peer == declined.peer


def test_the_information_sheet_carries_the_personal_link(client):
    director = make_user(Role.DIRECTOR)
    peer = make_person(email="lee@example.org")
    supporter = make_supporter(make_person(department="Surgery"))
    supporter_user = make_user(Role.SUPPORTER, person=supporter.person)
    resource = Resource.objects.create(name="Employee Assistance Program", category="counseling")
    case = assign(director, refer(make_user(Role.REFERRER), peer).cases.get(), supporter)
    case_record_outreach(actor=supporter_user, case_id=case.pk, channel="call")
    case_record_response(actor=supporter_user, case_id=case.pk, response="accepted")
    case_send_information_sheet(actor=supporter_user, case_id=case.pk, resource_ids=[resource.pk])
    body = OutboxMessage.objects.get(to="lee@example.org").body
    # The way back when the link has expired: the case's program's own ask page.
    assert "I'd like to talk now" in body and "/support/talk/" in body and "/support/main/ask/" in body
