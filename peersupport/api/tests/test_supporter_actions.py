"""The supporter's actions: outreach, response, encounters, resources, close (and extensions)."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditEntry
from peersupport.cases.actions import UNDO_WINDOW, case_close, case_record_outreach, case_record_response
from peersupport.cases.models import (
    AssignmentDecline,
    Case,
    CaseState,
    Encounter,
    OutreachAttempt,
    ResourceShare,
    ResponseRecord,
    SafetyEscalation,
)
from peersupport.notifications.models import OutboxMessage
from peersupport.program.models import ProgramSettings
from peersupport.resources.models import Resource
from peersupport.testing.factories import make_user

ROLES = ["director", "administrator", "supporter_a", "supporter_b", "referrer", "leader",
         "integration", "outsider"]
ENCOUNTER = {"held_on": "2026-11-22", "minutes": 40, "mode": "phone", "topics": ["opening", "story"]}


@pytest.fixture
def resource(db) -> Resource:
    return Resource.objects.create(name="Employee Assistance Program", category="counseling",
                                   contact="+1 555 0199", description="Free, confidential counseling.")


def advance(case: Case, to: str) -> Case:
    """Take an assigned case to `to` through the services, as the director."""
    director = make_user(Role.DIRECTOR)
    if to != CaseState.ASSIGNED:
        case_record_outreach(actor=director, case_id=case.pk, channel="call")
    if to in (CaseState.ACCEPTED, CaseState.DECLINED, CaseState.CLOSED):
        response = CaseState.DECLINED if to == CaseState.DECLINED else CaseState.ACCEPTED
        case_record_response(actor=director, case_id=case.pk, response=response)
    if to == CaseState.CLOSED:
        case_close(actor=director, case_id=case.pk)
    return Case.objects.get(pk=case.pk)


def recorded(case: Case) -> tuple[Any, ...]:
    """Everything an action could change, to show that a refused one changed nothing."""
    row = Case.objects.filter(pk=case.pk).values().get()
    return (row, *(model.objects.filter(case=case).count() for model in (
        OutreachAttempt, ResponseRecord, Encounter, ResourceShare, AssignmentDecline, SafetyEscalation,
        OutboxMessage)))


# The happy paths ---------------------------------------------------------------------------


def test_supporter_records_an_outreach(call, supporter_a, assigned_case):
    response = call(supporter_a, "POST", f"/cases/{assigned_case.pk}/outreach", {"channel": "text"})
    assert response.status_code == 200
    body = response.json()
    assert body["case_id"] == assigned_case.pk
    assert body["state"] == "outreach_made" and body["next_step"] == "response"
    assert body["outreach_attempts"] == 1 and body["encounters"] == [] and body["resources"] == []
    assert body["responded_at"] is None and body["next_due_at"]
    attempt = OutreachAttempt.objects.get(case=assigned_case)
    assert attempt.channel == "text" and not attempt.sent_by_program
    assert not OutboxMessage.objects.filter(kind="outreach").exists()
    entry = AuditEntry.objects.get(action="case.outreach_recorded")
    assert entry.actor == supporter_a.person.user and entry.via == "api"


def test_program_emails_the_warm_note_with_reply_to_the_supporter(call, supporter_a, assigned_case, peer):
    response = call(supporter_a, "POST", f"/cases/{assigned_case.pk}/outreach",
                    {"channel": "email", "send_email": True})
    assert response.status_code == 200
    message = OutboxMessage.objects.get(kind="outreach")
    assert message.to == peer.email and message.reply_to == supporter_a.person.email
    assert "Pat" not in message.subject and "Peer" not in message.subject
    assert assigned_case.referral.summary not in message.subject + message.body
    assert OutreachAttempt.objects.get(case=assigned_case).sent_by_program


def test_only_an_email_outreach_is_sent_by_the_program(call, supporter_a, assigned_case):
    response = call(supporter_a, "POST", f"/cases/{assigned_case.pk}/outreach",
                    {"channel": "text", "send_email": True})
    assert response.status_code == 422
    assert not OutreachAttempt.objects.exists() and not OutboxMessage.objects.filter(kind="outreach").exists()


def test_accepted_then_encounter_resource_and_close(call, supporter_a, assigned_case, resource):
    path = f"/cases/{assigned_case.pk}"
    call(supporter_a, "POST", f"{path}/outreach", {"channel": "call"})
    accepted = call(supporter_a, "POST", f"{path}/response", {"response": "accepted"})
    assert accepted.status_code == 200
    assert accepted.json()["state"] == "accepted" and accepted.json()["responded_at"]

    encounter = call(supporter_a, "POST", f"{path}/encounters",
                     {**ENCOUNTER, "topics": ["story", "opening", "story"], "follow_up_planned": True})
    assert encounter.status_code == 200
    [recorded_encounter] = encounter.json()["encounters"]
    assert recorded_encounter.pop("id") == Encounter.objects.get().pk and recorded_encounter.pop("recorded_at")
    assert recorded_encounter == {"held_on": "2026-11-22", "minutes": 40, "mode": "phone",
                                  "topics": ["opening", "story"], "follow_up_planned": True}

    shared = call(supporter_a, "POST", f"{path}/resources", {"resource_id": resource.pk, "facilitated": True})
    assert shared.status_code == 200
    [share] = shared.json()["resources"]
    assert share["resource_id"] == resource.pk and share["facilitated"] and share["category"] == "counseling"

    closed = call(supporter_a, "POST", f"{path}/close", {})
    assert closed.status_code == 200
    body = closed.json()
    assert body["state"] == "closed" and body["closed_at"] and body["next_due_at"] is None
    assert len(body["encounters"]) == 1 and len(body["resources"]) == 1 and body["outreach_attempts"] == 1
    assert call(supporter_a, "GET", path).json() == body


def test_a_decline_sends_resources_and_an_open_invitation_without_the_event(call, supporter_a, assigned_case,
                                                                            resource, peer, referrer):
    receipt = call(referrer, "GET", f"/referrals/{assigned_case.referral_id}").json()
    call(supporter_a, "POST", f"/cases/{assigned_case.pk}/outreach", {"channel": "page"})
    response = call(supporter_a, "POST", f"/cases/{assigned_case.pk}/response", {"response": "declined"})
    assert response.status_code == 200 and response.json()["state"] == "declined"
    invitation = OutboxMessage.objects.get(kind="open_invitation")
    assert invitation.to == peer.email and invitation.reply_to == supporter_a.person.email
    assert resource.name in invitation.body and "/support/main/ask/" in invitation.body
    assert assigned_case.referral.summary not in invitation.body + invitation.subject
    assert "Pat" not in invitation.subject
    # The referrer's receipt does not change with the peer's answer.
    assert call(referrer, "GET", f"/referrals/{assigned_case.referral_id}").json() == receipt


def test_no_response_keeps_trying_until_unreachable(call, supporter_a, assigned_case, time_machine):
    ProgramSettings.objects.filter(pk=ProgramSettings.current().pk).update(
        unreachable_after_attempts=3, unreachable_after_days=5)
    time_machine.move_to(timezone.now(), tick=False)
    path = f"/cases/{assigned_case.pk}"
    for _ in range(3):
        call(supporter_a, "POST", f"{path}/outreach", {"channel": "call"})
        body = call(supporter_a, "POST", f"{path}/response", {"response": "no_response"}).json()
        assert body["state"] == "outreach_made"
        time_machine.shift(timedelta(days=2))
    # Three unanswered attempts, and now more than the program's five days since the first.
    body = call(supporter_a, "POST", f"{path}/response", {"response": "no_response"}).json()
    assert body["state"] == "unreachable" and body["outreach_attempts"] == 3 and body["responded_at"]
    assert OutboxMessage.objects.filter(kind="open_invitation").count() == 1
    assert call(supporter_a, "POST", f"{path}/close", {}).json()["state"] == "closed"


def test_supporter_hands_a_case_back(call, supporter_a, director, assigned_case):
    refused = call(director, "POST", f"/cases/{assigned_case.pk}/hand-back", {"reason": "no_capacity"})
    assert refused.status_code == 403
    response = call(supporter_a, "POST", f"/cases/{assigned_case.pk}/hand-back", {"reason": "conflict_of_interest"})
    assert response.status_code == 200
    assert response.json() == {"case_id": assigned_case.pk, "state": "awaiting_assignment"}
    assert OutboxMessage.objects.get(kind="handback").to == director.email
    assert call(supporter_a, "GET", f"/cases/{assigned_case.pk}").status_code == 404
    assert call(director, "GET", f"/cases/{assigned_case.pk}").json()["supporter"] is None


def test_safety_escalation_tells_the_director_at_once(call, supporter_a, director, assigned_case):
    response = call(supporter_a, "POST", f"/cases/{assigned_case.pk}/safety-escalation", {})
    assert response.status_code == 201
    assert response.json()["escalation_id"] == SafetyEscalation.objects.get().pk
    assert OutboxMessage.objects.get(kind="safety_escalation").to == director.email
    assert AuditEntry.objects.filter(action="case.safety_escalation").exists()


def test_information_sheet_is_queued_for_the_peer(call, supporter_a, assigned_case, resource, peer):
    advance(assigned_case, CaseState.DECLINED)
    path = f"/cases/{assigned_case.pk}/information-sheet"
    response = call(supporter_a, "POST", path, {"resource_ids": [resource.pk]})
    assert response.status_code == 202
    assert response.json() == {"case_id": assigned_case.pk, "resource_ids": [resource.pk]}
    sheet = OutboxMessage.objects.get(kind="information_sheet")
    assert sheet.to == peer.email and resource.name in sheet.body
    assert call(supporter_a, "POST", path, {"resource_ids": [resource.pk, 999]}).status_code == 422


def test_a_decline_is_undone_within_two_minutes_and_the_invitation_withdrawn(call, supporter_a, assigned_case):
    path = f"/cases/{assigned_case.pk}"
    call(supporter_a, "POST", f"{path}/outreach", {"channel": "call"})
    call(supporter_a, "POST", f"{path}/response", {"response": "declined"})
    assert OutboxMessage.objects.filter(kind="open_invitation").exists()
    response = call(supporter_a, "POST", f"{path}/response/undo", {})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "outreach_made" and body["responded_at"] is None and body["next_step"] == "response"
    assert not OutboxMessage.objects.filter(kind="open_invitation").exists()
    assert not ResponseRecord.objects.filter(case=assigned_case, response="declined").exists()
    entry = AuditEntry.objects.get(action="case.response_undone")
    assert entry.actor == supporter_a.person.user and entry.via == "api"
    assert entry.detail == {"response": "declined", "invitations_withdrawn": 1}


def test_after_two_minutes_the_decline_stands_409(call, supporter_a, director, assigned_case, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    path = f"/cases/{assigned_case.pk}"
    call(supporter_a, "POST", f"{path}/outreach", {"channel": "call"})
    call(supporter_a, "POST", f"{path}/response", {"response": "declined"})
    time_machine.shift(UNDO_WINDOW + timedelta(seconds=1))
    case = Case.objects.get(pk=assigned_case.pk)
    before = recorded(case)
    for persona in (supporter_a, director):
        response = call(persona, "POST", f"{path}/response/undo", {})
        assert response.status_code == 409 and "2 minutes" in response.json()["detail"]
    assert recorded(case) == before and case.state == CaseState.DECLINED
    assert OutboxMessage.objects.filter(kind="open_invitation").count() == 1


# Who may act ---------------------------------------------------------------------------------

# (action, the state it fits, body, success status)
ACTIONS: list[tuple[str, str, Any, int]] = [
    ("outreach", CaseState.ASSIGNED, {"channel": "text"}, 200),
    ("response", CaseState.OUTREACH_MADE, {"response": "accepted"}, 200),
    ("encounters", CaseState.ACCEPTED, ENCOUNTER, 200),
    ("resources", CaseState.OUTREACH_MADE, {"resource_id": "{resource}", "facilitated": True}, 200),
    ("close", CaseState.DECLINED, {}, 200),
    ("hand-back", CaseState.ASSIGNED, {"reason": "no_capacity"}, 200),
    ("safety-escalation", CaseState.ACCEPTED, {}, 201),
    ("information-sheet", CaseState.DECLINED, {"resource_ids": ["{resource}"]}, 202),
    ("response/undo", CaseState.DECLINED, {}, 200),
]


def fill(body: Any, resource: Resource) -> Any:
    if isinstance(body, dict):
        return {key: fill(value, resource) for key, value in body.items()}
    if isinstance(body, list):
        return [fill(value, resource) for value in body]
    return resource.pk if body == "{resource}" else body


@pytest.mark.parametrize(("action", "state", "body", "ok"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_every_role_against_every_action(request, call, assigned_case, resource, action, state, body, ok):
    """The assigned supporter and the director act; the administrator and the roles that never
    open a case get 403; another supporter gets 404 (the case does not exist for them)."""
    case = advance(assigned_case, state)
    before = recorded(case)
    personas = {role: request.getfixturevalue(role) for role in ROLES}
    for role, persona in personas.items():
        expected = {"supporter_a": ok, "supporter_b": 404, "director": ok}.get(role, 403)
        if role == "director" and action == "hand-back":
            expected = 403  # the director reassigns instead
        with transaction.atomic():  # each role starts from the same case
            response = call(persona, "POST", f"/cases/{case.pk}/{action}", fill(body, resource))
            assert response.status_code == expected, (role, response.content)
            if expected >= 400:
                assert isinstance(response.json()["detail"], str)
                assert recorded(case) == before, role
            transaction.set_rollback(True)


@pytest.mark.parametrize(("action", "state", "body", "ok"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_no_or_bad_token_is_401(call, assigned_case, resource, action, state, body, ok):
    path = f"/cases/{assigned_case.pk}/{action}"
    assert call(None, "POST", path, fill(body, resource)).status_code == 401
    bad = call(None, "POST", path, fill(body, resource), headers={"Authorization": "Bearer pst_nonsense"})
    assert bad.status_code == 401
    assert not OutreachAttempt.objects.exists()


def test_unknown_case_is_404(call, director):
    assert call(director, "POST", "/cases/424242/outreach", {"channel": "text"}).status_code == 404


# Out of order: 409, and nothing changes -------------------------------------------------------

OUT_OF_ORDER = [
    ("response", CaseState.ASSIGNED, {"response": "accepted"}),  # response before outreach
    ("encounters", CaseState.ASSIGNED, ENCOUNTER),
    ("encounters", CaseState.OUTREACH_MADE, ENCOUNTER),  # encounter before acceptance
    ("encounters", CaseState.DECLINED, ENCOUNTER),
    ("resources", CaseState.ASSIGNED, {"resource_id": "{resource}"}),
    ("close", CaseState.ASSIGNED, {}),  # close before a response
    ("close", CaseState.OUTREACH_MADE, {}),
    ("outreach", CaseState.ACCEPTED, {"channel": "call"}),
    ("response", CaseState.DECLINED, {"response": "accepted"}),
    ("hand-back", CaseState.ACCEPTED, {"reason": "other"}),
    ("information-sheet", CaseState.ASSIGNED, {"resource_ids": ["{resource}"]}),
    ("response/undo", CaseState.OUTREACH_MADE, {}),  # nothing to undo
    ("response/undo", CaseState.ACCEPTED, {}),  # only a decline can be undone
    *[(action, CaseState.CLOSED, body) for action, _, body, _ in ACTIONS],  # anything after close
]


@pytest.mark.parametrize(("action", "state", "body"), OUT_OF_ORDER,
                         ids=[f"{a}-when-{s.value}" for a, s, _ in OUT_OF_ORDER])
def test_out_of_order_action_is_409_and_changes_nothing(call, supporter_a, assigned_case, resource, action,
                                                        state, body):
    case = advance(assigned_case, state)
    before = recorded(case)
    response = call(supporter_a, "POST", f"/cases/{case.pk}/{action}", fill(body, resource))
    assert response.status_code == 409, response.content
    assert response.json()["detail"]
    assert recorded(case) == before


# Bad input: 422, and nothing changes ----------------------------------------------------------

FUTURE = (timezone.localdate() + timedelta(days=2)).isoformat()
BAD_INPUT = [
    ("outreach", CaseState.ASSIGNED, {"channel": "fax"}, "channel"),
    ("outreach", CaseState.ASSIGNED, {"channel": "text", "note": "left a voicemail"}, "'note'"),
    ("outreach", CaseState.ASSIGNED, {"channel": "email", "send_email": "yes"}, "send_email"),
    ("outreach", CaseState.ASSIGNED, {}, "channel"),
    ("response", CaseState.OUTREACH_MADE, {"response": "maybe"}, "response"),
    ("response", CaseState.OUTREACH_MADE, {"response": "declined", "reason": "busy"}, "'reason'"),
    ("encounters", CaseState.ACCEPTED, {**ENCOUNTER, "notes": "Talked about the night shift."}, "'notes'"),
    ("encounters", CaseState.ACCEPTED, {**ENCOUNTER, "mode": "smoke_signal"}, "mode"),
    ("encounters", CaseState.ACCEPTED, {**ENCOUNTER, "topics": ["opening", "gossip"]}, "topics"),
    ("encounters", CaseState.ACCEPTED, {**ENCOUNTER, "minutes": 0}, "minutes"),
    ("encounters", CaseState.ACCEPTED, {**ENCOUNTER, "minutes": 10000}, "minutes"),
    ("encounters", CaseState.ACCEPTED, {**ENCOUNTER, "minutes": "40"}, "minutes"),
    ("encounters", CaseState.ACCEPTED, {**ENCOUNTER, "held_on": FUTURE}, "future"),
    ("encounters", CaseState.ACCEPTED, {**ENCOUNTER, "held_on": "2026-01-19"}, "before the event"),
    ("encounters", CaseState.ACCEPTED, {**ENCOUNTER, "held_on": "yesterday"}, "held_on"),
    ("encounters", CaseState.ACCEPTED, {"minutes": 40, "mode": "phone"}, "held_on"),
    ("resources", CaseState.ACCEPTED, {"resource_id": 999999, "facilitated": True}, "999999"),
    ("resources", CaseState.ACCEPTED, {"resource_id": "{resource}", "facilitated": "yes"}, "facilitated"),
    ("resources", CaseState.ACCEPTED, {"resource_id": "{resource}", "comment": "warm"}, "'comment'"),
    ("close", CaseState.ACCEPTED, {"reason": "done"}, "'reason'"),
    ("close", CaseState.ACCEPTED, [], "body"),
    ("hand-back", CaseState.ASSIGNED, {"reason": "bored"}, "reason"),
    ("safety-escalation", CaseState.ASSIGNED, {"details": "x"}, "'details'"),
    ("information-sheet", CaseState.DECLINED, {"resource_ids": []}, "resource_ids"),
    ("response/undo", CaseState.DECLINED, {"reason": "mistake"}, "'reason'"),
]


@pytest.mark.parametrize(("action", "state", "body", "named"), BAD_INPUT,
                         ids=[f"{a}-{i}" for i, (a, *_) in enumerate(BAD_INPUT)])
def test_bad_input_is_422_and_changes_nothing(call, supporter_a, assigned_case, resource, action, state, body,
                                              named):
    case = advance(assigned_case, state)
    before = recorded(case)
    response = call(supporter_a, "POST", f"/cases/{case.pk}/{action}", fill(body, resource))
    assert response.status_code == 422, response.content
    assert named in response.json()["detail"]
    assert recorded(case) == before


def test_a_retired_resource_cannot_be_shared(call, supporter_a, assigned_case, resource):
    case = advance(assigned_case, CaseState.ACCEPTED)
    Resource.objects.filter(pk=resource.pk).update(active=False)
    response = call(supporter_a, "POST", f"/cases/{case.pk}/resources", {"resource_id": resource.pk})
    assert response.status_code == 422
    assert f"No resource with id {resource.pk}" in response.json()["detail"]
    assert not ResourceShare.objects.exists()


@pytest.mark.parametrize("raw", ["", "{", "null"])
def test_missing_or_broken_body_is_never_a_server_error(call, supporter_a, assigned_case, raw):
    response = call(supporter_a, "POST", f"/cases/{assigned_case.pk}/outreach", raw=raw)
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


# The resource directory and the schema --------------------------------------------------------


@pytest.mark.parametrize("category", ["counseling", "stress_reduction", "medicolegal",
                                      "disclosure_coaching", "time_off", "crisis", "other"])
def test_every_contract_category_is_accepted(call, administrator, category):
    response = call(administrator, "POST", "/resources", {"name": "A line", "category": category})
    assert response.status_code == 201
    assert isinstance(response.json()["id"], int)


def test_supporter_reads_the_directory_but_may_not_add_to_it(call, supporter_a, resource):
    listed = call(supporter_a, "GET", "/resources")
    assert listed.status_code == 200
    assert listed.json() == [{"id": resource.pk, "name": resource.name, "category": "counseling",
                              "contact": resource.contact, "description": resource.description}]
    refused = call(supporter_a, "POST", "/resources", {"name": "A line", "category": "crisis"})
    assert refused.status_code == 403
    assert call(None, "POST", "/resources", {"name": "A line", "category": "crisis"}).status_code == 401


def test_the_actions_are_documented(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for action in ("outreach", "response", "encounters", "resources", "close", "hand-back",
                   "safety-escalation", "information-sheet", "response/undo"):
        operation = paths[f"/api/v1/cases/{{case_id}}/{action}"]["post"]
        assert {"401", "403", "404", "409", "422"} <= set(operation["responses"])
        assert operation["description"]
    encounter = paths["/api/v1/cases/{case_id}/encounters"]["post"]
    assert "notes" in encounter["description"]
