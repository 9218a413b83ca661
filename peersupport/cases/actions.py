"""The supporter's actions on a case, from first outreach to closing.

Each action is one service: it takes the case through the access gate with a row lock, checks
that the action fits the case's state (409 otherwise), writes the record, moves the state and
the next due time, audits, and queues any email — all in one transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from peersupport.accounts.models import Role, User
from peersupport.audit.services import audit_record
from peersupport.cases.access import case_for_user, is_case_supporter, require_case_actor
from peersupport.cases.models import (
    CLOSING,
    AssignmentDecline,
    Case,
    CaseState,
    DeclineReason,
    Encounter,
    EncounterMode,
    GuideTopic,
    OutreachAttempt,
    OutreachChannel,
    ResourceShare,
    Response,
    ResponseRecord,
    SafetyEscalation,
    step_after_conversations,
)
from peersupport.feedback.services import feedback_invite
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.lib.i18n import language_of, text_in
from peersupport.matching.models import matching_version_bump
from peersupport.notifications.emails import (
    render_handback_email,
    render_information_sheet_email,
    render_open_invitation_email,
    render_outreach_email,
    render_safety_escalation_email,
)
from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.notifications.services import outbox_enqueue
from peersupport.program.models import ProgramSettings
from peersupport.program.staff import director_audience, in_each_language
from peersupport.resources.access import resources_for_case
from peersupport.resources.selectors import program_resources

MAX_ENCOUNTER_MINUTES = 600
# A "No, thank you" is one tap: for this long it can be undone, and the open invitation waits.
UNDO_WINDOW = timedelta(minutes=2)
OPEN_INVITATION = "open_invitation"


def _open_for_action(actor: User, case_id: int, action: str, allowed: Iterable[str]) -> Case:
    """The case, locked, if the actor is its supporter (or the director) and its state allows."""
    require_case_actor(actor)
    case = case_for_user(actor, case_id, action=action, for_update=True)
    if not (actor.role == Role.DIRECTOR or is_case_supporter(actor, case)):
        raise PermissionDenied(gettext("Only the case's supporter (or the director) acts on it."))
    if case.state not in allowed:
        raise Conflict(gettext("This cannot be done while the case is %(state)s.")
                       % {"state": case.get_state_display().lower()})
    return case


def _move(case: Case, **fields: Any) -> Case:
    """Apply a change with a version check: a racing request loses with 409, never corrupts."""
    fields["version"] = case.version + 1
    if not Case.objects.filter(pk=case.pk, version=case.version).update(**fields):
        raise Conflict(gettext("Someone else changed this case a moment ago; reload it and try again."))
    if "state" in fields or "supporter" in fields or "supporter_id" in fields:
        # A supporter's open cases change (the one on the case, and any it moves to): the
        # matching's cached facts of those supporters are out of date.
        new_supporter = fields.get("supporter")
        matching_version_bump([case.supporter_id, fields.get("supporter_id"),
                               new_supporter.pk if new_supporter is not None else None])
    for name, value in fields.items():
        setattr(case, name, value)
    return case


def _supporter_contact(case: Case) -> tuple[str, str, str]:
    person = case.supporter.person if case.supporter is not None else None
    return (person.name, person.phone, person.email) if person else ("", "", "")


def case_record_outreach(*, actor: User, case_id: int, channel: str, send_email: bool = False) -> Case:
    """One attempt at reaching the peer. With `send_email`, the program sends the warm note,
    replies going to the supporter."""
    if channel not in OutreachChannel.values:
        raise InvalidInput(f"Unknown channel {channel!r}; use one of {', '.join(OutreachChannel.values)}.")
    if send_email and channel != OutreachChannel.EMAIL:
        raise InvalidInput(gettext("Only an email outreach can be sent by the program."))
    with transaction.atomic():
        case = _open_for_action(actor, case_id, "case.outreach", (CaseState.ASSIGNED, CaseState.OUTREACH_MADE))
        program = ProgramSettings.for_program(case.program_id)
        now = timezone.now()
        name, phone, email = _supporter_contact(case)
        if send_email:
            if not case.unpurged_peer.email:
                raise InvalidInput(gettext("The peer has no email address on the roster; reach out another way."))
            with translation.override(language_of(case.peer)):
                subject, body = render_outreach_email(case, name, phone)
            outbox_enqueue(kind="outreach", to=case.unpurged_peer.email, reply_to=email, subject=subject, body=body,
                           case=case)
        OutreachAttempt.objects.create(case=case, supporter=case.supporter, channel=channel, made_at=now,
                                       sent_by_program=send_email)
        first: dict[str, Any] = ({"minutes_to_first_outreach": case.minutes_since_opened(now)}
                                 if case.minutes_to_first_outreach is None else {})
        _move(case, state=CaseState.OUTREACH_MADE,
              next_due_at=now + timedelta(hours=program.next_attempt_due_hours), **first)
        audit_record(actor=actor, action="case.outreach_recorded", obj=case,
                     detail={"channel": channel, "sent_by_program": send_email})
        _mark_unreachable_if_due(case, program, actor, now)
    return case


def case_record_response(*, actor: User, case_id: int, response: str) -> Case:
    """The peer's answer. A decline is not a failure: they get the resources and an open door."""
    if response not in Response.values:
        raise InvalidInput(f"Unknown response {response!r}; use one of {', '.join(Response.values)}.")
    with transaction.atomic():
        case = _open_for_action(actor, case_id, "case.response", (CaseState.OUTREACH_MADE,))
        program = ProgramSettings.for_program(case.program_id)
        now = timezone.now()
        ResponseRecord.objects.create(case=case, response=response, recorded_at=now, recorded_by=actor)
        audit_record(actor=actor, action="case.response_recorded", obj=case, detail={"response": response})
        if response == Response.ACCEPTED:
            _move(case, state=CaseState.ACCEPTED, responded_at=now,
                  next_due_at=now + timedelta(hours=program.first_conversation_due_hours))
        elif response == Response.DECLINED:
            _move(case, state=CaseState.DECLINED, responded_at=now,
                  next_due_at=now + timedelta(days=program.close_due_days))
            # Held back while a tap on the wrong button can still be undone (`case_undo_response`).
            _send_open_invitation(case, send_after=now + UNDO_WINDOW)
        else:
            _move(case, next_due_at=now + timedelta(hours=program.next_attempt_due_hours))
            _mark_unreachable_if_due(case, program, actor, now)
    return case


def unreachable_due(attempt_times: list[datetime], program: ProgramSettings, now: datetime) -> bool:
    """Enough unanswered attempts, spread over enough days, to stop trying."""
    if len(attempt_times) < program.unreachable_after_attempts:
        return False
    return now - min(attempt_times) >= timedelta(days=program.unreachable_after_days)


def _mark_unreachable_if_due(case: Case, program: ProgramSettings, actor: User | None, now: datetime) -> bool:
    if case.state != CaseState.OUTREACH_MADE:
        return False
    attempts = list(case.outreach_attempts.values_list("made_at", flat=True))
    if not unreachable_due(attempts, program, now):
        return False
    _move(case, state=CaseState.UNREACHABLE, responded_at=now,
          next_due_at=now + timedelta(days=program.close_due_days))
    audit_record(actor=actor, action="case.unreachable", obj=case, detail={"attempts": len(attempts)})
    _send_open_invitation(case)
    return True


def case_mark_unreachable_when_due(*, case_id: int, now: datetime | None = None) -> bool:
    """For the scheduled job: a peer who never answered becomes unreachable once the program's
    attempts and days have passed, even if the supporter records nothing more."""
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("peer").get(pk=case_id)
        program = ProgramSettings.for_program(case.program_id)
        return _mark_unreachable_if_due(case, program, None, now or timezone.now())


def _send_open_invitation(case: Case, *, send_after: datetime | None = None) -> None:
    if not case.unpurged_peer.email:
        return
    # The peer's own hospital's resources (the case's program), whichever program the supporter is from.
    resources = list(program_resources(case.program_id).filter(active=True).order_by("category", "name"))
    with translation.override(language_of(case.peer)):
        subject, body = render_open_invitation_email(case, resources)
    _, _, supporter_email = _supporter_contact(case)
    outbox_enqueue(kind=OPEN_INVITATION, to=case.unpurged_peer.email, reply_to=supporter_email, subject=subject,
                   body=body, case=case, send_after=send_after)


def _undoable_decline(case: Case, now: datetime) -> ResponseRecord | None:
    """The decline that can still be undone: the case's last answer, recorded within `UNDO_WINDOW`."""
    if case.state != CaseState.DECLINED:
        return None
    last = case.responses.order_by("-recorded_at", "-pk").first()
    if last is None or last.response != Response.DECLINED or now >= last.recorded_at + UNDO_WINDOW:
        return None
    return last


def undo_response_until(case: Case) -> datetime | None:
    """Until when the peer's decline can still be undone, or None."""
    decline = _undoable_decline(case, timezone.now())
    return decline.recorded_at + UNDO_WINDOW if decline else None


def case_undo_response(*, actor: User, case_id: int) -> Case:
    """Take back a "No, thank you" recorded a moment ago by mistake: the case is waiting for the
    peer's answer again, and the open invitation (held back until the window closes) is not sent."""
    with transaction.atomic():
        case = _open_for_action(actor, case_id, "case.response_undo", (CaseState.DECLINED,))
        program = ProgramSettings.for_program(case.program_id)
        now = timezone.now()
        decline = _undoable_decline(case, now)
        if decline is None:
            raise Conflict(gettext("A decline can be undone only in its first %(minutes)s minutes; this one "
                                   "stands. The peer can still come back at any time.")
                           % {"minutes": UNDO_WINDOW.seconds // 60})
        # Locked: a worker that claimed the email first wins, and the decline then stands.
        invitations = list(
            OutboxMessage.objects.select_for_update()
            .filter(case=case, kind=OPEN_INVITATION, created_at__gte=decline.recorded_at)
        )
        if any(message.status != OutboxStatus.PENDING for message in invitations):
            raise Conflict(gettext("The open invitation has already gone out, so the decline stands. "
                           "The peer can still come back at any time."))
        OutboxMessage.objects.filter(pk__in=[m.pk for m in invitations]).delete()
        decline.delete()
        # Due again as before the answer: the next try after the last contact.
        last_contact = max([*case.outreach_attempts.values_list("made_at", flat=True),
                            *case.responses.values_list("recorded_at", flat=True)], default=now)
        _move(case, state=CaseState.OUTREACH_MADE, responded_at=None,
              next_due_at=last_contact + timedelta(hours=program.next_attempt_due_hours))
        audit_record(actor=actor, action="case.response_undone", obj=case,
                     detail={"response": Response.DECLINED.value, "invitations_withdrawn": len(invitations)})
    return case


@dataclass(frozen=True)
class EncounterInput:
    held_on: date
    minutes: int
    mode: str
    topics: tuple[str, ...] = ()
    follow_up_planned: bool = False


def case_record_encounter(*, actor: User, case_id: int, data: EncounterInput) -> Encounter:
    """That a conversation happened: when, how long, how, which guide topics. Never what was said."""
    if data.mode not in EncounterMode.values:
        raise InvalidInput(f"Unknown mode {data.mode!r}; use one of {', '.join(EncounterMode.values)}.")
    if not 1 <= data.minutes <= MAX_ENCOUNTER_MINUTES:
        raise InvalidInput(gettext("minutes is between 1 and %(most)s.") % {"most": MAX_ENCOUNTER_MINUTES})
    unknown = [t for t in data.topics if t not in GuideTopic.values]
    if unknown:
        raise InvalidInput(f"Unknown topic {unknown[0]!r}; use the guide's topics: {', '.join(GuideTopic.values)}.")
    if data.held_on > timezone.localdate():
        raise InvalidInput(gettext("The conversation's date is in the future."))
    with transaction.atomic():
        case = _open_for_action(actor, case_id, "case.encounter", (CaseState.ACCEPTED,))
        program = ProgramSettings.for_program(case.program_id)
        if data.held_on < case.referral.occurred_on:
            raise InvalidInput(gettext("The conversation's date is before the event."))
        encounter = Encounter.objects.create(
            case=case, held_on=data.held_on, minutes=data.minutes, mode=data.mode,
            topics=[t for t in GuideTopic.values if t in set(data.topics)],
            follow_up_planned=data.follow_up_planned, recorded_by=actor,
        )
        now = timezone.now()
        # Closing is next once the guide's closing was covered or no follow-up is planned.
        step = step_after_conversations(list(case.encounters.all()))
        due = now + (timedelta(days=program.close_due_days) if step == CLOSING
                     else timedelta(days=program.follow_up_due_days))
        _move(case, next_due_at=due)
        audit_record(actor=actor, action="case.encounter_recorded", obj=case,
                     detail={"encounter": encounter.pk, "mode": data.mode, "minutes": data.minutes})
    return encounter


def case_record_resource(*, actor: User, case_id: int, resource_id: int, facilitated: bool) -> ResourceShare:
    """A resource of the case's program shared with the peer, or a warm hand-off to it (`facilitated`)."""
    with transaction.atomic():
        case = _open_for_action(actor, case_id, "case.resource",
                                (CaseState.OUTREACH_MADE, CaseState.ACCEPTED, CaseState.DECLINED))
        [resource] = resources_for_case(case.program_id, [resource_id])
        share = ResourceShare.objects.create(case=case, resource=resource, facilitated=facilitated, shared_by=actor)
        _move(case)
        audit_record(actor=actor, action="case.resource_recorded", obj=case,
                     detail={"resource": resource.pk, "facilitated": facilitated})
    return share


def case_send_information_sheet(*, actor: User, case_id: int, resource_ids: list[int]) -> None:
    """Email the peer a clean sheet of chosen resources of the case's program: names and contacts,
    nothing about the event."""
    if not resource_ids:
        raise InvalidInput(gettext("Choose at least one resource to send."))
    with transaction.atomic():
        case = _open_for_action(actor, case_id, "case.information_sheet",
                                (CaseState.OUTREACH_MADE, CaseState.ACCEPTED, CaseState.DECLINED,
                                 CaseState.UNREACHABLE))
        resources = resources_for_case(case.program_id, sorted(set(resource_ids)))
        if not case.unpurged_peer.email:
            raise InvalidInput(gettext("The peer has no email address on the roster; print the sheet instead."))
        with translation.override(language_of(case.peer)):
            subject, body = render_information_sheet_email(case, resources)
        _, _, supporter_email = _supporter_contact(case)
        outbox_enqueue(kind="information_sheet", to=case.unpurged_peer.email, reply_to=supporter_email,
                       subject=subject, body=body, case=case)
        audit_record(actor=actor, action="case.information_sheet_sent", obj=case,
                     detail={"resources": [r.pk for r in resources]})


def case_close(*, actor: User, case_id: int) -> Case:
    with transaction.atomic():
        case = _open_for_action(actor, case_id, "case.close",
                                (CaseState.ACCEPTED, CaseState.DECLINED, CaseState.UNREACHABLE))
        # Only a peer who accepted support is asked how it went: one who declined or never
        # answered was told, with the open invitation, that nothing more would be asked of them.
        talked = case.state == CaseState.ACCEPTED
        _move(case, state=CaseState.CLOSED, closed_at=timezone.now(), next_due_at=None)
        audit_record(actor=actor, action="case.closed", obj=case)
        if talked:
            feedback_invite(case=case)
    return case


def case_hand_back(*, actor: User, case_id: int, reason: str) -> Case:
    """The supporter declines the assignment; the case goes back to the top of the queue."""
    if reason not in DeclineReason.values:
        raise InvalidInput(f"Unknown reason {reason!r}; use one of {', '.join(DeclineReason.values)}.")
    require_case_actor(actor, frozenset({Role.SUPPORTER}))
    with transaction.atomic():
        case = case_for_user(actor, case_id, action="case.hand_back", for_update=True)
        if case.supporter is None or not is_case_supporter(actor, case):
            raise PermissionDenied(gettext("Only the case's supporter can hand it back."))
        if case.state not in (CaseState.ASSIGNED, CaseState.OUTREACH_MADE):
            raise Conflict(gettext("A case can be handed back only before the peer has answered."))
        now = timezone.now()
        AssignmentDecline.objects.create(case=case, supporter=case.supporter, reason=reason, declined_at=now)
        audit_record(actor=actor, action="case.handed_back", obj=case, detail={"reason": reason})
        # Due now: the most overdue come first, so it goes to the top of the queue.
        _move(case, state=CaseState.AWAITING_ASSIGNMENT, supporter=None, assigned_at=None, next_due_at=now)
        for address, subject, body in in_each_language(
                director_audience(program_id=case.program_id),
                lambda language: render_handback_email(case, text_in(DeclineReason(reason).label, language).lower(),
                                                       recipient=language)):
            outbox_enqueue(kind="handback", to=address, subject=subject, body=body, case=case)
    return case


def case_raise_safety_escalation(*, actor: User, case_id: int) -> SafetyEscalation:
    """Someone's safety is at risk: tell every director at once. Audited like every access."""
    with transaction.atomic():
        case = _open_for_action(actor, case_id, "case.safety_escalation",
                                (CaseState.ASSIGNED, CaseState.OUTREACH_MADE, CaseState.ACCEPTED,
                                 CaseState.DECLINED, CaseState.UNREACHABLE))
        escalation = SafetyEscalation.objects.create(case=case, raised_by=actor)
        name, phone, _ = _supporter_contact(case)
        # The away director too, beside their deputy (program.staff).
        for address, subject, body in in_each_language(
                director_audience(urgent=True, program_id=case.program_id),
                lambda language: render_safety_escalation_email(case, name or actor.email, phone,
                                                                escalation.raised_at, recipient=language)):
            outbox_enqueue(kind="safety_escalation", to=address, subject=subject, body=body, case=case)
        audit_record(actor=actor, action="case.safety_escalation", obj=case, detail={"escalation": escalation.pk})
    return escalation
