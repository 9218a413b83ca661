"""The wording of reminders and escalations: neutral subjects, the step, the lateness, the link."""

from datetime import timedelta

import pytest

from peersupport.cases.actions import EncounterInput, case_record_encounter, case_record_outreach, case_record_response
from peersupport.cases.models import Case, CaseState
from peersupport.front.tests.helpers import assign, refer
from peersupport.notifications.emails import (
    describe_lateness,
    render_assignment_reminder_email,
    render_step_escalation_email,
    render_step_reminder_email,
)
from peersupport.notifications.tests.test_emails import SUMMARY, make_case
from peersupport.testing.factories import make_person

DUE = make_case().next_due_at


@pytest.mark.parametrize(
    ("late", "text"),
    [(timedelta(seconds=10), "1 minute"), (timedelta(minutes=45), "45 minutes"),
     (timedelta(hours=5, minutes=59), "5 hours"), (timedelta(days=3, hours=2), "3 days")],
)
def test_lateness_reads_naturally(late, text):
    assert describe_lateness(DUE, DUE + late) == text


@pytest.mark.parametrize(
    ("state", "words"),
    [(CaseState.ASSIGNED, "first outreach"), (CaseState.OUTREACH_MADE, "try once more"),
     (CaseState.ACCEPTED, "conversation"), (CaseState.DECLINED, "close"), (CaseState.UNREACHABLE, "close")],
)
def test_each_step_gets_its_own_reminder(settings, state, words):
    settings.SITE_URL = "https://ps.example.org"
    subject, body = render_step_reminder_email(make_case(state=state), supporter_name="Alex Supporter",
                                               due_at=DUE, now=DUE + timedelta(hours=2))
    assert subject == "A reminder about one of your cases"
    assert body.startswith("Hello Alex,") and words in body and "(2 hours ago)" in body
    assert "https://ps.example.org/cases/42/" in body
    assert "Zoë" not in body and SUMMARY not in body


def test_assignment_reminder_names_no_one():
    subject, body = render_assignment_reminder_email(make_case(state=CaseState.AWAITING_ASSIGNMENT),
                                                     due_at=DUE, now=DUE + timedelta(minutes=5))
    assert subject == "A case is waiting for a supporter"
    assert "/cases/42/" in body and "/queue/" in body and "Zoë" not in body


def test_escalation_of_an_unassigned_case_says_so():
    _, body = render_step_escalation_email(
        make_case(state=CaseState.AWAITING_ASSIGNMENT), due_at=DUE, now=DUE + timedelta(hours=6),
        supporter_name="", supporter_phone="", supporter_email="",
    )
    assert "Step: Assignment" in body and "Late by: 6 hours" in body and "Supporter: none yet" in body
    assert "Zoë" not in body and SUMMARY not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("conversations", "step", "words"),
    [((), "first conversation", "The first conversation on one of your cases was due"),
     ((True,), "follow-up conversation", "The follow-up conversation you planned on one of your cases was due"),
     ((True, False), "closing", "One of your cases was due to be closed")],
)
def test_an_accepted_case_is_reminded_of_its_next_step_not_always_a_conversation(
    director, referrer, supporter_a, conversations, step, words
):
    case = assign(director, refer(referrer, make_person()).cases.get(), supporter_a)
    actor = supporter_a.person.user
    case_record_outreach(actor=actor, case_id=case.pk, channel="call")
    case_record_response(actor=actor, case_id=case.pk, response="accepted")
    for follow_up in conversations:
        case_record_encounter(actor=actor, case_id=case.pk, data=EncounterInput(
            held_on=case.referral.occurred_on, minutes=30, mode="phone", follow_up_planned=follow_up))
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.ACCEPTED and case.next_step == step
    _, body = render_step_reminder_email(case, supporter_name="Alex Supporter", due_at=DUE,
                                         now=DUE + timedelta(hours=2))
    assert words in body and f"Next step: {step[:1].upper()}{step[1:]}" in body
    if step == "closing":
        assert "conversation on one of your cases was due" not in body
