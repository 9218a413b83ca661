"""What comes after the conversations: another one only while one is planned and the guide's
closing has not been covered; otherwise closing, with the closing's due time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.cases.actions import (
    case_close,
    case_record_outreach,
    case_record_response,
    case_send_information_sheet,
)
from peersupport.cases.models import Case, CaseState
from peersupport.cases.timeline import case_timeline
from peersupport.front.tests.helpers import assign, refer
from peersupport.program.models import ProgramSettings
from peersupport.resources.models import Resource
from peersupport.testing.factories import make_person


@pytest.fixture
def accepted(director, referrer, supporter_a) -> Case:
    peer = make_person(name="Pat Peer", email="pat@example.org")
    case = assign(director, refer(referrer, peer, occurred_on=timezone.localdate() - timedelta(days=5)).cases.get(),
                  supporter_a)
    actor = supporter_a.person.user
    case_record_outreach(actor=actor, case_id=case.pk, channel="call")
    case_record_response(actor=actor, case_id=case.pk, response="accepted")
    return Case.objects.get(pk=case.pk)


def talk(client, case: Case, *topics: str, follow_up: bool) -> None:
    data = {"held_on": timezone.localdate().isoformat(), "minutes": "30", "mode": "phone", "topics": list(topics)}
    if follow_up:
        data["follow_up_planned"] = "on"
    response = client.post(reverse("case-encounter", args=[case.pk]), data)
    assert response.status_code == 302, response.content.decode()[:500]


def due_in_days(case: Case) -> float:
    return round((case.next_due_at - timezone.now()) / timedelta(days=1))


def test_before_any_conversation_the_first_one_is_next(accepted):
    assert accepted.next_step == "first conversation"


def test_a_planned_follow_up_is_next_with_its_own_due_time(client, accepted):
    client.force_login(accepted.supporter.person.user)
    talk(client, accepted, "opening", "story", follow_up=True)
    case = Case.objects.get(pk=accepted.pk)
    assert case.next_step == "follow-up conversation"
    assert due_in_days(case) == ProgramSettings.current().follow_up_due_days


def test_after_two_conversations_with_closing_covered_closing_is_next(client, accepted):
    client.force_login(accepted.supporter.person.user)
    talk(client, accepted, "opening", "story", "closing", follow_up=True)
    talk(client, accepted, "coping", "resources", "closing", follow_up=True)
    case = Case.objects.get(pk=accepted.pk)
    assert case.next_step == "closing"
    assert due_in_days(case) == ProgramSettings.current().close_due_days
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert "Next: closing, due in" in page and "Next: conversation" not in page
    # The close section comes first, as the next step; another conversation can still be recorded.
    assert page.index('data-testid="close-section"') < page.index('data-testid="encounter-section"')
    timeline = case_timeline(case)
    assert timeline[-1].upcoming and timeline[-1].label == "Closing due"


def test_a_conversation_with_no_follow_up_planned_leaves_closing_next(client, accepted):
    client.force_login(accepted.supporter.person.user)
    talk(client, accepted, "opening", "story", follow_up=False)
    case = Case.objects.get(pk=accepted.pk)
    assert case.next_step == "closing"
    assert due_in_days(case) == ProgramSettings.current().close_due_days


def test_lists_show_the_step_after_the_conversations(client, accepted):
    client.force_login(accepted.supporter.person.user)
    talk(client, accepted, "closing", follow_up=False)
    page = client.get(reverse("my-cases")).content.decode()
    assert 'data-testid="my-case-due">Closing due in' in page


# A closed case's record keeps the answer and the sheet that was emailed

@pytest.mark.parametrize("answer", ["accepted", "declined"])
def test_a_closed_cases_record_keeps_the_answer_and_the_emailed_sheet(client, director, referrer, supporter_a,
                                                                      answer):
    case = assign(director, refer(referrer, make_person(email="kim@example.org")).cases.get(), supporter_a)
    actor = supporter_a.person.user
    resource = Resource.objects.create(name="Staff counseling", category="counseling")
    case_record_outreach(actor=actor, case_id=case.pk, channel="call")
    case_record_response(actor=actor, case_id=case.pk, response=answer)
    case_send_information_sheet(actor=actor, case_id=case.pk, resource_ids=[resource.pk])
    case_close(actor=actor, case_id=case.pk)
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED

    client.force_login(actor)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    said = {"accepted": "they would like to talk", "declined": "they said no, thank you"}[answer]
    assert page.count('data-testid="record-response"') == 1 and said in page
    assert page.count('data-testid="record-sheet"') == 1
    assert "information sheet was emailed to them (1 resource)" in page

    labels = [(e.label, e.detail) for e in case_timeline(Case.objects.get(pk=case.pk))]
    assert ("Response", answer.capitalize()) in labels
    assert ("Information sheet emailed", "1 resource") in labels
    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert "Information sheet emailed" in page
