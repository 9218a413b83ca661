"""A supporter is told of a new peer by email, text or both, as they chose on their own page; a text
carries only "You have a new peer to reach out to" and the case's link. Through the real services,
the real worker, the loopback SMTP server and the loopback gateway."""

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse

from peersupport.api.tests.helpers import refer
from peersupport.audit.models import AuditEntry
from peersupport.cases.services import case_assign, referral_apply_plan
from peersupport.notifications.models import Channel, OutboxMessage
from peersupport.roster.models import NotifyBy, Supporter
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+1 (555) 010-0177"
NUMBER = "+15550100177"
PEER_NAME = "Quillon Marchetti-Vance"
SUMMARY = "A long night on the burns unit ended with an unexpected death after a transfer."


def choose(supporter: Supporter, notify_by: str, phone: str = PHONE) -> None:
    Supporter.objects.filter(pk=supporter.pk).update(notify_by=notify_by)
    supporter.person.phone = phone
    supporter.person.save(update_fields=["phone"])
    supporter.refresh_from_db()


def assign_new_case(director, referrer, supporter: Supporter):
    peer = make_person(name=PEER_NAME, department="Burns")
    case = refer(referrer, peer, summary=SUMMARY).cases.get()
    return case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter.person.employee_id)


@pytest.mark.parametrize(("notify_by", "channels"), [
    (NotifyBy.EMAIL, [Channel.EMAIL]),
    (NotifyBy.TEXT, [Channel.TEXT]),
    (NotifyBy.BOTH, [Channel.EMAIL, Channel.TEXT]),
])
def test_the_supporter_is_told_by_email_text_or_both_as_they_chose(
    notify_by, channels, director, referrer, supporter_a, smtp_server, text_gateway, run_worker
):
    choose(supporter_a, notify_by)
    case = assign_new_case(director, referrer, supporter_a)
    run_worker()

    written = OutboxMessage.objects.filter(case=case, kind="assignment").order_by("channel")
    assert [m.channel for m in written] == channels
    assert all(m.status == "sent" for m in written)
    emails = [m for m in smtp_server.messages if m["To"] == supporter_a.person.email]
    assert len(emails) == (Channel.EMAIL in channels)
    assert [r.form["To"] for r in text_gateway.accepted] == ([NUMBER] if Channel.TEXT in channels else [])


def test_a_text_carries_neither_the_event_sentence_nor_the_peer_name(
    director, referrer, supporter_a, smtp_server, text_gateway, run_worker
):
    choose(supporter_a, NotifyBy.BOTH)
    case = assign_new_case(director, referrer, supporter_a)
    run_worker()

    [request] = text_gateway.requests
    # Exactly this shape: the fixed sentence and the link to the case, nothing else.
    assert request.form == {
        "To": NUMBER, "From": django_settings.SMS_SENDER,
        "Body": f"You have a new peer to reach out to: {django_settings.SITE_URL}/cases/{case.pk}/",
    }
    sent = request.raw_body.decode()
    for secret in [PEER_NAME, *PEER_NAME.replace("-", " ").split(), SUMMARY, "burns", case.peer.email]:
        assert secret.lower() not in sent.lower(), secret
    # The email, which the supporter also chose, does name them: the canaries are real.
    [email] = [m for m in smtp_server.messages if m["To"] == supporter_a.person.email]
    assert PEER_NAME in email.get_content() and SUMMARY in email.get_content()


@pytest.mark.parametrize("phone", ["", "ext. 4417", "555 0177"])
def test_a_choice_of_texts_without_a_number_that_can_take_them_falls_back_to_email(
    phone, director, referrer, supporter_a, text_gateway
):
    choose(supporter_a, NotifyBy.TEXT, phone=phone)
    case = assign_new_case(director, referrer, supporter_a)
    assert list(OutboxMessage.objects.filter(case=case).values_list("channel", "to")) == [
        (Channel.EMAIL, supporter_a.person.email)]


def test_without_a_gateway_a_choice_of_texts_is_told_by_email(director, referrer, supporter_a, settings):
    settings.SMS_GATEWAY_URL = ""
    choose(supporter_a, NotifyBy.BOTH)
    case = assign_new_case(director, referrer, supporter_a)
    assert list(OutboxMessage.objects.filter(case=case).values_list("channel", flat=True)) == [Channel.EMAIL]


def test_a_rolled_back_assignment_writes_and_sends_no_text(director, referrer, supporter_a, text_gateway, run_worker):
    choose(supporter_a, NotifyBy.TEXT)
    case = refer(referrer, make_person(department="Burns")).cases.get()
    with transaction.atomic():
        case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter_a.person.employee_id)
        assert OutboxMessage.objects.filter(case=case, channel=Channel.TEXT).count() == 1
        transaction.set_rollback(True)
    run_worker()
    assert not OutboxMessage.objects.filter(case=case).exists()
    assert text_gateway.requests == []


def test_the_joint_plan_tells_each_supporter_as_they_chose(
    director, referrer, supporter_a, supporter_b, text_gateway, smtp_server, run_worker
):
    choose(supporter_a, NotifyBy.TEXT)
    referral = refer(referrer, make_person(department="Burns"), make_person(department="Burns"))
    cases = referral_apply_plan(actor=director, referral_id=referral.pk)
    assert {case.supporter_id for case in cases} == {supporter_a.pk, supporter_b.pk}
    run_worker()

    written = set(OutboxMessage.objects.filter(kind="assignment").values_list("channel", "to", "status"))
    assert written == {(Channel.TEXT, NUMBER, "sent"), (Channel.EMAIL, supporter_b.person.email, "sent")}
    assert len(text_gateway.accepted) == 1


def test_a_supporter_chooses_on_their_own_page_and_the_director_sees_it(client, supporter_a, director, text_gateway):
    supporter_a.person.phone = ""
    supporter_a.person.save(update_fields=["phone"])
    client.force_login(supporter_a.person.user)
    page = client.get(reverse("my-team")).content.decode()
    assert 'data-testid="notify-form"' in page and 'data-testid="text-unavailable"' not in page

    response = client.post(reverse("my-team-notifications"), {"notify_by": "both"})
    assert response.status_code == 302
    supporter_a.refresh_from_db()
    assert supporter_a.notify_by == NotifyBy.BOTH
    entry = AuditEntry.objects.get(action="supporter.notify_by")
    assert (entry.actor_id, entry.detail) == (supporter_a.person.user.pk, {"notify_by": "both"})
    # No number on the roster entry: the page says so, and that email is used meanwhile.
    page = client.get(reverse("my-team")).content.decode()
    assert "Saved: you are told of a new peer by email and text message." in page
    assert 'data-testid="text-unavailable"' in page and "no mobile number" in page

    client.force_login(director)
    page = client.get(reverse("supporter-edit", args=[supporter_a.person.employee_id])).content.decode()
    assert "Told of a new peer by: <strong>email and text message</strong>" in page
    assert "no mobile number" in page


def test_without_a_gateway_the_page_offers_email_only_and_refuses_texts(client, supporter_a, settings):
    settings.SMS_GATEWAY_URL = ""
    client.force_login(supporter_a.person.user)
    page = client.get(reverse("my-team")).content.decode()
    assert 'data-testid="email-only"' in page and 'data-testid="notify-form"' not in page

    response = client.post(reverse("my-team-notifications"), {"notify_by": "text"})
    assert response.status_code == 422
    assert "Text messages are not set up for the program" in response.content.decode()
    supporter_a.refresh_from_db()
    assert supporter_a.notify_by == NotifyBy.EMAIL
    assert not AuditEntry.objects.filter(action="supporter.notify_by").exists()


def test_an_unknown_choice_is_refused_with_a_message(client, supporter_a, text_gateway):
    client.force_login(supporter_a.person.user)
    response = client.post(reverse("my-team-notifications"), {"notify_by": "pigeon"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    supporter_a.refresh_from_db()
    assert supporter_a.notify_by == NotifyBy.EMAIL


def test_the_supporters_own_data_lists_the_texts_sent_to_them(client, director, referrer, supporter_a, text_gateway):
    choose(supporter_a, NotifyBy.TEXT)
    case = assign_new_case(director, referrer, supporter_a)
    client.force_login(supporter_a.person.user)
    page = client.get(reverse("my-data")).content.decode()
    section = page.split('data-testid="my-emails"', 1)[1]
    assert f"a text message, “You have a new peer to reach out to: {django_settings.SITE_URL}/cases/{case.pk}/”" \
        in section


def test_the_overview_marks_a_set_aside_text(client, director, text_gateway):
    from peersupport.notifications.services import outbox_deliver, outbox_enqueue

    text_gateway.answer(400)
    with transaction.atomic():
        message = outbox_enqueue(kind="assignment", to=NUMBER, subject="A new peer to reach out to",
                                 body="You have a new peer to reach out to.", channel=Channel.TEXT)
    assert outbox_deliver(message.pk) == "failed"
    client.force_login(director)
    page = client.get(reverse("overview")).content.decode()
    assert 'data-testid="set-aside-text">Text message</span> A new peer to reach out to' in page
