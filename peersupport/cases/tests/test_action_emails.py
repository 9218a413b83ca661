"""The supporter's emails, delivered by the real worker to a real SMTP server on loopback."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.cases.actions import (
    UNDO_WINDOW,
    case_raise_safety_escalation,
    case_record_outreach,
    case_record_response,
)
from peersupport.cases.services import case_assign
from peersupport.notifications.services import outbox_flush
from peersupport.notifications.testing import run_worker_until_idle
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.resources.models import Resource
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.django_db(transaction=True)
SUMMARY = "A patient became violent in the waiting room and injured a nurse."


@pytest.fixture
def assigned_case():
    director = make_user(Role.DIRECTOR, email="director@example.org")
    referrer = make_user(Role.REFERRER)
    peer = make_person(name="Robin Peer", email="robin@example.org", department="Emergency")
    supporter = make_supporter(make_person(name="Sam Supporter", email="sam@example.org", phone="+1 555 0142",
                                           department="Surgery"))
    supporter_user = make_user(Role.SUPPORTER, person=supporter.person)
    Resource.objects.create(name="Employee Assistance Program", category="counseling", contact="+1 555 0199")
    Resource.objects.create(name="Crisis line", category="crisis", contact="988")
    referral, _ = referral_create(
        referred_by=referrer,
        data=ReferralInput(category="patient_aggression", occurred_on=date(2026, 11, 20), summary=SUMMARY,
                           involved_employee_ids=[peer.employee_id], source="safety_report"),
    )
    case = referral.cases.get()
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter.person.employee_id)
    return case, supporter_user


def delivered(server, kind_to: str):
    return [m for m in server.messages if m["To"] == kind_to]


def test_declined_peer_receives_resources_and_an_open_invitation_without_the_event(smtp_server, assigned_case):
    case, supporter = assigned_case
    case_record_outreach(actor=supporter, case_id=case.pk, channel="call")
    case_record_response(actor=supporter, case_id=case.pk, response="declined")
    run_worker_until_idle()
    # Held while the decline can still be undone, then sent.
    assert not delivered(smtp_server, "robin@example.org")
    outbox_flush(now=timezone.now() + UNDO_WINDOW)

    [mail] = delivered(smtp_server, "robin@example.org")
    body = mail.get_content()
    assert "Employee Assistance Program" in body and "988" in body
    assert "/support/main/ask/" in body
    assert SUMMARY not in body and "violent" not in body
    assert "Robin" not in mail["Subject"]
    assert mail["Reply-To"] == "sam@example.org"


def test_outreach_sent_by_the_program_replies_to_the_supporter(smtp_server, assigned_case):
    case, supporter = assigned_case
    case_record_outreach(actor=supporter, case_id=case.pk, channel="email", send_email=True)
    run_worker_until_idle()

    [mail] = delivered(smtp_server, "robin@example.org")
    assert mail["Reply-To"] == "sam@example.org"
    assert "Robin" not in mail["Subject"] and "aggress" not in mail["Subject"].lower()
    body = mail.get_content()
    assert "Sam Supporter" in body and "+1 555 0142" in body
    assert SUMMARY not in body


def test_safety_escalation_reaches_the_director_at_once(smtp_server, assigned_case):
    case, supporter = assigned_case
    case_raise_safety_escalation(actor=supporter, case_id=case.pk)
    run_worker_until_idle()

    [mail] = [m for m in delivered(smtp_server, "director@example.org") if "safety" in m["Subject"].lower()]
    assert f"/cases/{case.pk}/" in mail.get_content()
    assert "Robin" not in mail.get_content()


def test_late_first_outreach_reminds_the_supporter_then_escalates_to_the_director(smtp_server, assigned_case):
    import time_machine

    from peersupport.cases.timeliness import send_due_notices

    case, supporter = assigned_case
    case.refresh_from_db()
    run_worker_until_idle()
    already = len(smtp_server.messages)
    with time_machine.travel(case.next_due_at + timedelta(minutes=5)):
        assert send_due_notices().reminders == 1
        run_worker_until_idle()
    with time_machine.travel(case.next_due_at + timedelta(hours=30)):
        assert send_due_notices().escalations == 1
        assert send_due_notices().escalations == 0  # safe to re-run
        run_worker_until_idle()
    new = smtp_server.messages[already:]
    assert [m["To"] for m in new] == ["sam@example.org", "director@example.org"]
    for mail in new:
        assert "Robin" not in mail["Subject"] and "Robin" not in mail.get_content()
        assert f"/cases/{case.pk}/" in mail.get_content()
