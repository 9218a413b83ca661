"""The supporter's actions on a case: outreach, the peer's response, encounters, resources, close.

Each endpoint is one service call; the service takes the case through the access gate, checks
that the action fits the case's state (409 otherwise) and records it in one transaction.
"""

from ninja import Router, Status

from peersupport.accounts.requests import SignedInRequest
from peersupport.api.cases import CaseId
from peersupport.api.schemas import (
    CaseDetailOut,
    EmptyIn,
    EncounterIn,
    HandBackIn,
    HandBackOut,
    InformationSheetIn,
    InformationSheetOut,
    OutreachIn,
    ResourceShareIn,
    ResponseIn,
    SafetyEscalationOut,
    responses,
)
from peersupport.cases.actions import (
    EncounterInput,
    case_close,
    case_hand_back,
    case_raise_safety_escalation,
    case_record_encounter,
    case_record_outreach,
    case_record_resource,
    case_record_response,
    case_send_information_sheet,
    case_undo_response,
)
from peersupport.cases.models import Case

router = Router(tags=["supporter actions"])

WHO = (
    "The case's supporter, or the director. Other roles answer 403; another supporter's case "
    "answers 404 (it does not exist for them). An action that does not fit the case's state "
    "answers 409."
)
ANSWERS = " Answers the case, with what has been recorded on it (`outreach_attempts`, `encounters`, `resources`)."
ACTION = responses({200: CaseDetailOut}, 400, 404, 409, 422)


@router.post(
    "/cases/{int:case_id}/outreach",
    response=ACTION,
    summary="Record an attempt to reach the peer",
    description="While the case is `assigned` or `outreach_made`; the case becomes "
    "`outreach_made`, or `unreachable` once the program's number of unanswered attempts over its "
    'number of days is reached. With `"send_email": true` (only with `"channel": "email"`) the '
    "program emails the peer the warm note, replies going to the supporter. " + WHO + ANSWERS,
)
def case_outreach(request: SignedInRequest, case_id: CaseId, payload: OutreachIn) -> Case:
    return case_record_outreach(actor=request.user, case_id=case_id, channel=payload.channel,
                                send_email=payload.send_email)


@router.post(
    "/cases/{int:case_id}/response",
    response=ACTION,
    summary="Record the peer's response",
    description="After an outreach (`outreach_made`). `accepted` and `declined` move the case to "
    "that state; `no_response` keeps trying (or makes the case `unreachable`, as an outreach "
    "would). After `declined` or `unreachable` the peer is emailed the resources and an open "
    "invitation, with nothing about the event. " + WHO + ANSWERS,
)
def case_response(request: SignedInRequest, case_id: CaseId, payload: ResponseIn) -> Case:
    return case_record_response(actor=request.user, case_id=case_id, response=payload.response)


@router.post(
    "/cases/{int:case_id}/response/undo",
    response=ACTION,
    summary="Undo a decline recorded a moment ago",
    description="A `declined` recorded by mistake can be taken back in its first two minutes, as on "
    "the case page: the case is `outreach_made` again, waiting for the peer's answer, and the open "
    "invitation (held back for those two minutes) is withdrawn. The body is an empty object; any "
    "field answers 422. After the two minutes, once the invitation has gone out, or when the last "
    "answer is not a decline, the decline stands: 409. " + WHO + ANSWERS,
)
def case_response_undo(request: SignedInRequest, case_id: CaseId, payload: EmptyIn) -> Case:
    return case_undo_response(actor=request.user, case_id=case_id)


@router.post(
    "/cases/{int:case_id}/encounters",
    response=ACTION,
    summary="Record that a conversation happened",
    description="Once the peer has `accepted`. Structured fields only — when, how long, how, "
    "which guide topics, whether a follow-up is planned; never what was said. Any other field "
    "(a `notes` field too) answers 422, as do a date in the future or before the event. The "
    "case's `encounters` (by date) include the new one. " + WHO + ANSWERS,
)
def case_encounter(request: SignedInRequest, case_id: CaseId, payload: EncounterIn) -> Case:
    data = EncounterInput(held_on=payload.held_on, minutes=payload.minutes, mode=payload.mode,
                          topics=tuple(payload.topics), follow_up_planned=payload.follow_up_planned)
    return case_record_encounter(actor=request.user, case_id=case_id, data=data).case


@router.post(
    "/cases/{int:case_id}/resources",
    response=ACTION,
    summary="Record a resource shared with the peer",
    description="While the case is `outreach_made`, `accepted` or `declined`. `facilitated`: a "
    "warm hand-off rather than information only. An unknown or retired resource answers 422. "
    + WHO + ANSWERS,
)
def case_resource(request: SignedInRequest, case_id: CaseId, payload: ResourceShareIn) -> Case:
    return case_record_resource(actor=request.user, case_id=case_id, resource_id=payload.resource_id,
                                facilitated=payload.facilitated).case


@router.post(
    "/cases/{int:case_id}/close",
    response=ACTION,
    summary="Close the case",
    description="Once the peer has accepted or declined, or is unreachable. The body is an empty "
    "object; any field answers 422. " + WHO + ANSWERS,
)
def case_close_post(request: SignedInRequest, case_id: CaseId, payload: EmptyIn) -> Case:
    return case_close(actor=request.user, case_id=case_id)


@router.post(
    "/cases/{int:case_id}/hand-back",
    response=responses({200: HandBackOut}, 400, 404, 409, 422),
    summary="Hand the case back (extension)",
    description="The assigned supporter declines the assignment (`conflict_of_interest`, "
    "`no_capacity`, `other`) before the peer has answered; the case returns to the top of the "
    "director's queue, and this supporter is not suggested for it again. Only the case's "
    "supporter (the director reassigns instead: 403); another supporter's case answers 404.",
)
def case_hand_back_post(request: SignedInRequest, case_id: CaseId, payload: HandBackIn) -> Case:
    return case_hand_back(actor=request.user, case_id=case_id, reason=payload.reason)


@router.post(
    "/cases/{int:case_id}/safety-escalation",
    response=responses({201: SafetyEscalationOut}, 400, 404, 409, 422),
    summary="Raise a safety escalation (extension)",
    description="Someone's safety is at risk: every director is emailed at once, and the "
    "escalation is audited. The body is an empty object. The case's supporter or the director, "
    "on an open case; other roles 403, another supporter's case 404, an unassigned or closed "
    "case 409.",
)
def case_safety_escalation(request: SignedInRequest, case_id: CaseId, payload: EmptyIn) -> Status[SafetyEscalationOut]:
    escalation = case_raise_safety_escalation(actor=request.user, case_id=case_id)
    return Status(201, SafetyEscalationOut(escalation_id=escalation.pk, case_id=case_id,
                                           raised_at=escalation.raised_at))


@router.post(
    "/cases/{int:case_id}/information-sheet",
    response=responses({202: InformationSheetOut}, 400, 404, 409, 422),
    summary="Email the peer an information sheet (extension)",
    description="A clean sheet of the chosen resources (names and contacts, nothing about the "
    "event), queued for sending to the peer, replies going to the supporter. After an outreach, "
    "until the case is closed. An unknown or retired resource, or a peer without an email "
    "address, answers 422. " + WHO,
)
def case_information_sheet(request: SignedInRequest, case_id: CaseId,
                           payload: InformationSheetIn) -> Status[InformationSheetOut]:
    case_send_information_sheet(actor=request.user, case_id=case_id, resource_ids=payload.resource_ids)
    return Status(202, InformationSheetOut(case_id=case_id, resource_ids=sorted(set(payload.resource_ids))))
