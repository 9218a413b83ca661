"""Each supporter action through the case page: it changes the case, or says why not and changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.cases.models import (
    AssignmentDecline,
    CaseState,
    Encounter,
    OutreachAttempt,
    ResourceShare,
    SafetyEscalation,
)
from peersupport.cases.tests.supporter.conftest import set_state
from peersupport.front.tests.helpers import SUMMARY, login_as
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import program_settings


@pytest.fixture
def as_supporter(client, request, case):
    login_as(client, request, "supporter_a")
    return client


def post(client, name, case, data=None):
    return client.post(reverse(name, args=[case.pk]), data or {})


def page_of(client, case) -> str:
    return client.get(reverse("case", args=[case.pk])).content.decode()


# Outreach

def test_recording_a_text_moves_the_case_to_outreach_made(as_supporter, case):
    response = post(as_supporter, "case-outreach", case, {"channel": "text"})
    assert response.status_code == 302 and response["Location"] == reverse("case", args=[case.pk])
    case.refresh_from_db()
    assert case.state == CaseState.OUTREACH_MADE
    assert list(OutreachAttempt.objects.filter(case=case).values_list("channel", "sent_by_program")) == [
        ("text", False)]
    page = as_supporter.get(response["Location"]).content.decode()
    assert "Recorded: text message." in page and 'data-testid="response-section"' in page


def test_send_by_email_from_the_program_replies_to_the_supporter(as_supporter, case, supporter_a):
    assert post(as_supporter, "case-outreach", case, {"channel": "email", "send_email": "on"}).status_code == 302
    mail = OutboxMessage.objects.get(kind="outreach")
    assert mail.to == "pat@example.org" and mail.reply_to == supporter_a.person.email
    assert mail.subject == "A colleague would like to connect"
    assert SUMMARY not in mail.body and "Hi Pat, this is Alex Supporter" in mail.body
    assert OutreachAttempt.objects.get(case=case).sent_by_program


def test_an_unknown_channel_is_a_message_and_changes_nothing(as_supporter, case):
    response = post(as_supporter, "case-outreach", case, {"channel": "pigeon"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-testid="case-error"' in page and "pigeon" in page and "Nothing was changed" in page
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED and not OutreachAttempt.objects.exists()


def test_program_email_to_a_peer_without_email_shows_the_services_words(as_supporter, case, peer):
    peer.email = ""
    peer.save()
    response = post(as_supporter, "case-outreach", case, {"channel": "email", "send_email": "on"})
    assert response.status_code == 422 and "no email address on the roster" in response.content.decode()
    assert not OutreachAttempt.objects.exists() and not OutboxMessage.objects.filter(kind="outreach").exists()


def test_the_last_unanswered_try_makes_the_peer_unreachable_and_encourages(as_supporter, case):
    program_settings(**{"unreachable_after_attempts": 1,
                                                             "unreachable_after_days": 0})
    response = post(as_supporter, "case-outreach", case, {"channel": "call"})
    case.refresh_from_db()
    assert case.state == CaseState.UNREACHABLE
    assert OutboxMessage.objects.filter(kind="open_invitation", to="pat@example.org").exists()
    page = as_supporter.get(response["Location"]).content.decode()
    assert "your messages still mattered" in page and 'data-testid="encouragement"' in page
    assert "open invitation" in page and 'data-testid="close-case"' in page


# Response

@pytest.fixture
def reached(case):
    return set_state(case, CaseState.OUTREACH_MADE)


def test_accepted_opens_the_conversation_form(as_supporter, reached):
    response = post(as_supporter, "case-response", reached, {"response": "accepted"})
    reached.refresh_from_db()
    assert reached.state == CaseState.ACCEPTED
    page = as_supporter.get(response["Location"]).content.decode()
    assert "would like to talk" in page and 'data-testid="record-encounter"' in page


def test_a_decline_is_not_a_failure(as_supporter, reached):
    response = post(as_supporter, "case-response", reached, {"response": "declined"})
    reached.refresh_from_db()
    assert reached.state == CaseState.DECLINED
    invitation = OutboxMessage.objects.get(kind="open_invitation")
    assert invitation.to == "pat@example.org" and SUMMARY not in invitation.body
    page = as_supporter.get(response["Location"]).content.decode()
    assert page.count("A decline is not a failure") == 2  # the message, and the note that stays
    assert "Reaching out is itself support" in page and "open invitation" in page


def test_no_response_keeps_the_case_in_outreach(as_supporter, reached):
    response = post(as_supporter, "case-response", reached, {"response": "no_response"})
    reached.refresh_from_db()
    assert reached.state == CaseState.OUTREACH_MADE
    assert "Try again in a day or two" in as_supporter.get(response["Location"]).content.decode()


def test_a_response_before_any_outreach_is_a_conflict(as_supporter, case):
    response = post(as_supporter, "case-response", case, {"response": "accepted"})
    assert response.status_code == 409 and "cannot be done while the case is assigned" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED


# Encounters

@pytest.fixture
def accepted(case):
    return set_state(case, CaseState.ACCEPTED)


def encounter_data(**changes):
    data = {"held_on": timezone.localdate().isoformat(), "minutes": "40", "mode": "phone",
            "topics": ["opening", "story", "coping"], "follow_up_planned": "on"}
    data.update(changes)
    return data


def test_recording_a_conversation_keeps_only_structured_fields(as_supporter, accepted):
    response = post(as_supporter, "case-encounter", accepted, encounter_data())
    assert response.status_code == 302 and response["Location"].endswith("#encounters")
    encounter = Encounter.objects.get(case=accepted)
    assert (encounter.minutes, encounter.mode, encounter.topics, encounter.follow_up_planned) == (
        40, "phone", ["opening", "story", "coping"], True)
    page = as_supporter.get(reverse("case", args=[accepted.pk])).content.decode()
    assert 'data-testid="encounter"' in page and "talked for 40 min" in page
    assert 'data-testid="encounter-check"' not in page


def test_the_second_conversation_brings_a_gentle_check(as_supporter, accepted):
    post(as_supporter, "case-encounter", accepted, encounter_data())
    response = post(as_supporter, "case-encounter", accepted, encounter_data(mode="video"))
    page = as_supporter.get(response["Location"]).content.decode()
    assert Encounter.objects.filter(case=accepted).count() == 2
    assert 'data-testid="encounter-check"' in page and "Two conversations is usual" in page
    assert "professional help" in page and 'href="#resources"' in page


@pytest.mark.parametrize(("changes", "said"), [
    ({"minutes": "0"}, "greater than or equal to 1"),
    ({"minutes": "lots"}, "Enter a whole number"),
    ({"mode": "carrier pigeon"}, "Select a valid choice"),
    ({"topics": ["gossip"]}, "Select a valid choice"),
    ({"held_on": (timezone.localdate() + timedelta(days=2)).isoformat()}, "in the future"),
    ({"held_on": "2020-01-01"}, "before the event"),
])
def test_bad_conversation_input_is_a_message_and_records_nothing(as_supporter, accepted, changes, said):
    response = post(as_supporter, "case-encounter", accepted, encounter_data(**changes))
    assert response.status_code == 422
    assert said in response.content.decode()
    assert not Encounter.objects.exists()


def test_a_conversation_before_acceptance_is_a_conflict(as_supporter, case):
    response = post(as_supporter, "case-encounter", case, encounter_data())
    assert response.status_code == 409 and not Encounter.objects.exists()


# Resources and the information sheet

def test_recording_a_warm_hand_off(as_supporter, accepted, directory):
    response = post(as_supporter, "case-resource", accepted,
                    {"resource": directory["eap"].pk, "facilitated": "1"})
    assert response.status_code == 302
    share = ResourceShare.objects.get(case=accepted)
    assert share.resource == directory["eap"] and share.facilitated
    page = as_supporter.get(reverse("case", args=[accepted.pk])).content.decode()
    assert "connected them with Employee Assistance Program" in page


def test_recording_shared_information(as_supporter, accepted, directory):
    post(as_supporter, "case-resource", accepted, {"resource": directory["legal"].pk, "facilitated": "0"})
    assert not ResourceShare.objects.get(case=accepted).facilitated


@pytest.mark.parametrize("resource", ["", "retired", "999999"])
def test_a_missing_or_retired_resource_is_a_message(as_supporter, accepted, directory, resource):
    value = directory["retired"].pk if resource == "retired" else resource
    response = post(as_supporter, "case-resource", accepted, {"resource": value, "facilitated": "1"})
    assert response.status_code == 422 and 'data-testid="case-error"' in response.content.decode()
    assert not ResourceShare.objects.exists()


def test_emailing_the_information_sheet(as_supporter, accepted, directory, supporter_a):
    response = post(as_supporter, "case-sheet-send", accepted, {"resource": [directory["eap"].pk]})
    assert response.status_code == 302
    mail = OutboxMessage.objects.get(kind="information_sheet")
    assert mail.to == "pat@example.org" and mail.reply_to == supporter_a.person.email
    assert "Employee Assistance Program" in mail.body and "Risk & Legal" not in mail.body
    assert SUMMARY not in mail.body and "/support/main/ask/" in mail.body


def test_an_empty_sheet_is_a_message_and_sends_nothing(as_supporter, accepted, directory):
    response = post(as_supporter, "case-sheet-send", accepted, {})
    assert response.status_code == 422 and "Choose at least one resource" in response.content.decode()
    assert not OutboxMessage.objects.filter(kind="information_sheet").exists()


def test_print_posts_the_choice_to_a_clean_address(as_supporter, accepted, directory):
    response = post(as_supporter, "case-sheet", accepted, {"resource": [directory["eap"].pk, "junk"],
                                                          "csrfmiddlewaretoken": "x"})
    assert response.status_code == 302
    assert response["Location"] == reverse("case-sheet", args=[accepted.pk]) + f"?resource={directory['eap'].pk}"


# Close

def test_closing_after_a_decline(as_supporter, case):
    set_state(case, CaseState.DECLINED)
    response = post(as_supporter, "case-close", case)
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.closed_at is not None
    page = as_supporter.get(response["Location"]).content.decode()
    assert "Thank you for being there for a colleague" in page and 'data-testid="close-case"' not in page


def test_closing_before_the_peer_answered_is_a_conflict(as_supporter, case):
    response = post(as_supporter, "case-close", case)
    assert response.status_code == 409 and "Nothing was changed" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED


# Hand back

def test_hand_back_asks_first_then_returns_the_case_to_the_queue(as_supporter, case, supporter_a):
    url = reverse("case-hand-back", args=[case.pk])
    confirm = as_supporter.get(url).content.decode()
    assert "Conflict of interest" in confirm and 'data-testid="confirm-hand-back"' in confirm
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED  # asking changed nothing
    response = as_supporter.post(url, {"reason": "conflict_of_interest"})
    assert response.status_code == 302 and response["Location"] == reverse("my-cases")
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_ASSIGNMENT and case.supporter is None
    assert AssignmentDecline.objects.get(case=case).supporter == supporter_a
    assert "Handed back" in as_supporter.get(response["Location"]).content.decode()
    assert as_supporter.get(reverse("case", args=[case.pk])).status_code == 404


def test_hand_back_with_a_reason_not_on_the_list_changes_nothing(as_supporter, case):
    supporter_id = case.supporter_id
    response = as_supporter.post(reverse("case-hand-back", args=[case.pk]), {"reason": "bored"})
    assert response.status_code == 422 and "Select a valid choice" in response.content.decode()
    case.refresh_from_db()
    assert (case.state, case.supporter_id) == (CaseState.ASSIGNED, supporter_id)
    assert not AssignmentDecline.objects.exists() and not OutboxMessage.objects.filter(kind="handback").exists()


def test_hand_back_after_the_peer_answered_is_a_conflict(as_supporter, case):
    set_state(case, CaseState.ACCEPTED)
    url = reverse("case-hand-back", args=[case.pk])
    assert as_supporter.get(url).status_code == 409
    response = as_supporter.post(url, {"reason": "no_capacity"})
    assert response.status_code == 409 and 'data-testid="confirm-hand-back"' not in response.content.decode()
    assert not AssignmentDecline.objects.exists()


def test_the_director_reassigns_rather_than_hands_back(client, director, case):
    client.force_login(director)
    assert client.post(reverse("case-hand-back", args=[case.pk]), {"reason": "other"}).status_code == 403
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED


# Safety escalation

def test_raising_it_asks_to_confirm_then_tells_the_director_and_shows_crisis_lines(as_supporter, case, director,
                                                                                   directory):
    before = page_of(as_supporter, case)
    assert 'data-testid="raise-safety"' in before and 'data-testid="crisis-resources"' not in before
    # The button opens a page that asks to confirm (with the crisis lines): nothing is raised yet.
    confirm = as_supporter.get(reverse("case-safety", args=[case.pk])).content.decode()
    assert 'data-testid="confirm-safety"' in confirm and "Call or text 988" in confirm
    unconfirmed = post(as_supporter, "case-safety", case)  # a post without the confirmation
    assert unconfirmed.status_code == 422 and "confirm below" in unconfirmed.content.decode()
    assert not SafetyEscalation.objects.exists()
    response = post(as_supporter, "case-safety", case, {"confirmed": "yes"})
    assert response.status_code == 302
    assert SafetyEscalation.objects.filter(case=case).count() == 1
    assert OutboxMessage.objects.filter(kind="safety_escalation", to=director.email).exists()
    assert AuditEntry.objects.filter(action="case.safety_escalation", object_id=str(case.pk)).exists()
    after = as_supporter.get(response["Location"]).content.decode()
    crisis = after.split('data-testid="crisis-resources"')[1].split("</section>")[0]
    assert "Crisis Lifeline" in crisis and "Call or text 988" in crisis
    assert "Employee Assistance Program" not in crisis
    # Prominent: before the rest of the page's actions.
    assert after.index('data-testid="crisis-resources"') < after.index('data-testid="outreach-section"')


def test_no_safety_escalation_on_a_closed_case(as_supporter, case):
    set_state(case, CaseState.CLOSED)
    assert post(as_supporter, "case-safety", case, {"confirmed": "yes"}).status_code == 409
    assert as_supporter.get(reverse("case-safety", args=[case.pk])).status_code == 409
    assert not SafetyEscalation.objects.exists()


# Who may act

def test_the_director_acts_on_any_case(client, director, case):
    client.force_login(director)
    assert post(client, "case-outreach", case, {"channel": "page"}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.OUTREACH_MADE


@pytest.mark.parametrize(("persona", "status"), [
    ("supporter_b", 404), ("administrator", 403), ("referrer", 403), ("leader", 403), ("outsider", 403),
    ("integration", 403),
])
def test_no_one_else_acts_on_the_case(client, request, case, persona, status):
    login_as(client, request, persona)
    for name, data in [("case-outreach", {"channel": "text"}), ("case-close", {}),
                       ("case-safety", {"confirmed": "yes"})]:
        assert post(client, name, case, data).status_code == status
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED and not OutreachAttempt.objects.exists()
    assert not SafetyEscalation.objects.exists()
