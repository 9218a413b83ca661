"""Asking for support with no account: a work email, a personal link, the self-referral form."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Case, CaseState
from peersupport.notifications.models import OutboxMessage
from peersupport.referrals.models import Referral
from peersupport.support.links import ASK, link_url, make_token
from peersupport.support.models import AskRequest
from peersupport.support.tests.helpers import ask, blank_tokens, link_in, process_all
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db
FORM = {"category": "medical_error", "occurred_on": "2026-11-20", "summary": "A dose was given twice overnight."}


@pytest.fixture
def peer():
    return make_person(name="Dana Reyes", email="Dana.Reyes@example.org", role_type="physician")


def link_sent_to(address: str) -> str:
    [message] = OutboxMessage.objects.filter(to=address, kind="personal_link")
    return link_in(message.body, "/support/link/")


def test_signed_out_the_ask_page_asks_for_a_work_email(client):
    response = client.get("/support/ask/")
    assert response.status_code == 200 and "Your work email" in response.content.decode()


def test_the_page_after_asking_is_byte_identical_for_an_address_on_the_roster_and_one_not(client, peer):
    known = ask(client, "dana.reyes@example.org")
    unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain == [("/support/ask/sent/", 302)]
    assert known["Content-Type"] == unknown["Content-Type"]
    assert blank_tokens(known.content.decode()) == blank_tokens(unknown.content.decode())
    process_all()
    assert OutboxMessage.objects.filter(kind="personal_link").count() == 1
    assert OutboxMessage.objects.get(kind="personal_link").to == "Dana.Reyes@example.org"


def test_asking_does_the_same_database_work_whatever_the_address(client, peer):
    """The request does not look the address up at all (the worker does), so it takes the same time."""
    def statements(email: str, ip: str) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            ask(client, email, ip=ip)
        return [re.sub(r'"s\d+_x\d+"', '"savepoint"', q["sql"].split(" WHERE ")[0].split(" VALUES ")[0])
                for q in queries.captured_queries]

    assert statements("dana.reyes@example.org", "203.0.113.1") == statements("nobody@example.org", "203.0.113.2")
    assert not any("roster_person" in sql for sql in statements("dana.reyes@example.org", "203.0.113.3"))


@pytest.mark.parametrize("who", ["unknown", "inactive", "unserved role", "no address typed alike"])
def test_no_link_is_emailed_for_an_address_that_is_not_an_active_served_person(client, peer, who):
    if who == "inactive":
        make_person(email="gone@example.org", active=False)
    if who == "unserved role":
        make_person(email="nurse@example.org", role_type="nurse")
    address = {"unknown": "nobody@example.org", "inactive": "gone@example.org",
               "unserved role": "nurse@example.org", "no address typed alike": "dana.reyes@example.com"}[who]
    ask(client, address)
    process_all()
    assert not OutboxMessage.objects.exists()
    assert AskRequest.objects.get().email == ""


def test_the_link_email_has_a_neutral_subject_and_the_address_typed_is_forgotten(client, peer):
    ask(client, "DANA.REYES@example.org")
    process_all()
    message = OutboxMessage.objects.get()
    assert message.subject == "Your link to the peer support program"
    assert "/support/link/" in message.body and "24 hours" in message.body
    assert AskRequest.objects.get().email == ""
    entry = AuditEntry.objects.get(action="support.link_sent")
    assert entry.actor_label == "anonymous" and entry.object_id == str(peer.pk)
    assert "Dana" not in str(entry.detail) and "example.org" not in str(entry.detail)


def test_the_link_opens_the_self_referral_form_and_sending_it_opens_a_case_like_a_signed_in_request(client, peer):
    ask(client, "dana.reyes@example.org")
    process_all()
    url = link_sent_to(peer.email)
    form = client.get(url)
    assert form.status_code == 200 and 'name="category"' in form.content.decode()
    assert not Referral.objects.exists()

    thanks = client.post(url, FORM, follow=True)
    assert thanks.status_code == 200 and "We have your request" in thanks.content.decode()
    referral = Referral.objects.get()
    assert referral.source == "self" and referral.referred_by is None and referral.involved_count == 1
    case = Case.objects.get()
    assert case.peer == peer and case.state == CaseState.AWAITING_ASSIGNMENT and case.next_due_at
    used = AuditEntry.objects.get(action="support.link_used")
    assert used.actor_label == "anonymous" and used.detail["person"] == peer.pk
    assert "Dana" not in str(used.detail) and "example.org" not in str(used.detail)


def test_a_link_works_once_then_shows_the_kind_page(client, peer):
    ask(client, "dana.reyes@example.org")
    process_all()
    url = link_sent_to(peer.email)
    assert client.post(url, FORM).status_code == 302
    for again in (client.get(url), client.post(url, FORM)):
        page = again.content.decode()
        assert again.status_code == 410 and "already been used" in page and "/support/ask/" in page
    assert Referral.objects.count() == 1


def test_a_refused_form_leaves_the_link_working(client, peer):
    url = link_url(ASK, make_token(ASK, person_id=peer.pk))
    refused = client.post(url, {**FORM, "summary": "y" * 201})
    assert refused.status_code == 422 and "201 characters" in refused.content.decode()
    assert client.post(url, FORM).status_code == 302
    assert Referral.objects.count() == 1


def test_an_expired_link_shows_the_kind_page(client, peer, settings):
    url = link_url(ASK, make_token(ASK, person_id=peer.pk))
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=settings.PERSONAL_LINK_HOURS, minutes=1)):
        response = client.get(url)
    assert response.status_code == 410 and "expired" in response.content.decode()
    settings.PERSONAL_LINK_HOURS = 48
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=30)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("change", ["a letter", "cut short", "another purpose", "garbage"])
def test_a_tampered_link_shows_the_kind_page_never_an_error(client, peer, change):
    token = make_token(ASK, person_id=peer.pk)
    bad = {
        "a letter": token[:5] + ("A" if token[5] != "A" else "B") + token[6:],
        "cut short": token[:-4],
        "another purpose": make_token("talk", person_id=peer.pk, case_id=1),
        "garbage": "%00%ff::..",
    }[change]
    for response in (client.get(f"/support/link/{bad}/"), client.post(f"/support/link/{bad}/", FORM)):
        assert response.status_code == 410 and "/support/ask/" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_safety_report_opt_in_is_carried_into_the_referrals_source(client, peer):
    page = client.get("/support/ask/?source=safety_report_opt_in").content.decode()
    assert 'action="/support/ask/?source=safety_report_opt_in"' in page
    ask(client, "dana.reyes@example.org", source="safety_report_opt_in")
    process_all()
    client.post(link_sent_to(peer.email), FORM)
    assert Referral.objects.get().source == "safety_report_opt_in"


def test_an_unknown_source_is_a_self_referral(client, peer):
    ask(client, "dana.reyes@example.org", source="leader")
    process_all()
    client.post(link_sent_to(peer.email), FORM)
    assert Referral.objects.get().source == "self"


def test_a_signed_in_clinician_on_the_roster_keeps_the_form_itself(client, outsider):
    client.force_login(outsider)
    page = client.get("/support/ask/?source=safety_report_opt_in").content.decode()
    assert 'name="category"' in page and "Your work email" not in page
    response = client.post("/support/ask/?source=safety_report_opt_in", FORM)
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.source == "safety_report_opt_in"
    assert referral.referred_by == outsider
    receipt = client.get(response["Location"]).content.decode()
    assert "We have your request" in receipt and "Clinicians referred" not in receipt


def test_a_person_who_left_the_roster_since_the_link_cannot_use_it(client, peer):
    url = link_url(ASK, make_token(ASK, person_id=peer.pk))
    peer.active = False
    peer.save()
    response = client.post(url, FORM)
    assert response.status_code == 422 and not Referral.objects.exists()
    assert client.get(url).status_code == 200  # refused, so not used up
