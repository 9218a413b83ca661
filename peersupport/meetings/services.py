"""Every change to meetings and practice scenarios: one service each, in one transaction, with
its audit entry and its emails.

A meeting's emails carry its calendar event (see `ics.py`): the invitation and every update as
METHOD:REQUEST with the meeting's UID and its next SEQUENCE, the cancellation as METHOD:CANCEL.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.lib.i18n import in_language_of
from peersupport.meetings import ics
from peersupport.meetings.emails import render_meeting_email, render_nudge_email
from peersupport.meetings.links import RsvpLink, rsvp_url
from peersupport.meetings.models import Invitation, Meeting, MissedMeetingsNudge, Rsvp, Scenario
from peersupport.notifications.services import Attachment, Draft, outbox_enqueue, outbox_enqueue_all
from peersupport.roster.models import Supporter, SupporterStatus

logger = logging.getLogger(__name__)

# Who is invited: the team, including those still in training.
TEAM_STATUSES = (SupporterStatus.ACTIVE, SupporterStatus.IN_TRAINING)
MAX_DAYS_AHEAD = 365
MAX_HOURS_LONG = 12
NUDGE_KIND = "meeting_nudge"
# How many recent meetings with attendance the nudge looks back over.
NUDGE_LOOKBACK = 8


@dataclass(frozen=True)
class MeetingInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str


@dataclass(frozen=True)
class ScenarioInput:
    title: str
    category: str
    role_type: str
    situation: str
    feelings: str


def _check_times(data: MeetingInput, now: datetime) -> None:
    if data.ends_at <= data.starts_at:
        raise InvalidInput(_("The meeting must end after it starts."))
    if data.ends_at - data.starts_at > timedelta(hours=MAX_HOURS_LONG):
        raise InvalidInput(_("A meeting lasts at most %(hours)s hours.") % {"hours": MAX_HOURS_LONG})
    if data.starts_at <= now:
        raise InvalidInput(_("Choose a start time in the future."))
    if data.starts_at > now + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(_("Schedule a meeting at most %(days)s days ahead.") % {"days": MAX_DAYS_AHEAD})
    if not data.title.strip() or not data.place.strip():
        raise InvalidInput(_("Give the meeting a title and a place."))


def meeting_schedule(*, actor: User, data: MeetingInput, now: datetime | None = None) -> Meeting:
    """Schedule a meeting of the actor's program and invite its team, each with their calendar
    event and RSVP link."""
    now = now or timezone.now()
    _check_times(data, now)
    if actor.program_id is None:
        raise InvalidInput(_("Your login belongs to no program, so it cannot schedule a meeting."))
    with transaction.atomic():
        meeting = Meeting.objects.create(program_id=actor.program_id, title=data.title.strip(),
                                         starts_at=data.starts_at, ends_at=data.ends_at, place=data.place.strip(),
                                         time_zone=settings.TIME_ZONE, created_at=now)
        invited = _invite_team(meeting, now)
        audit_record(actor=actor, action="meeting.create", obj=meeting, detail={"invited": invited})
    return meeting


def meeting_update(*, actor: User, meeting_id: int, data: MeetingInput, now: datetime | None = None) -> Meeting:
    """Change a meeting; everyone invited gets the new event, which replaces the old one.

    Saved with nothing changed, nobody is written to and the calendar's sequence stays."""
    now = now or timezone.now()
    _check_times(data, now)
    with transaction.atomic():
        meeting = _open_for_change(actor, meeting_id, now)
        wanted = (data.title.strip(), data.place.strip(), data.starts_at, data.ends_at)
        drafts = []
        if wanted != (meeting.title, meeting.place, meeting.starts_at, meeting.ends_at):
            meeting.title, meeting.place, meeting.starts_at, meeting.ends_at = wanted
            meeting.sequence += 1
            meeting.save(update_fields=["title", "place", "starts_at", "ends_at", "sequence"])
            drafts = [_draft("update", meeting, invitation.supporter, now)
                      for invitation in _invitations_to_mail(meeting)]
            outbox_enqueue_all(drafts)
        # Whoever joined the team since the invitations went out is invited now.
        newly = _invite_team(meeting, now)
        audit_record(actor=actor, action="meeting.update", obj=meeting,
                     detail={"sequence": meeting.sequence, "updated": len(drafts), "invited": newly})
    return meeting


def meeting_cancel(*, actor: User, meeting_id: int, now: datetime | None = None) -> Meeting:
    """Cancel a meeting; everyone invited gets the cancellation, which removes the event."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _open_for_change(actor, meeting_id, now)
        meeting.cancelled_at = now
        meeting.sequence += 1
        meeting.save(update_fields=["cancelled_at", "sequence"])
        drafts = [_draft("cancellation", meeting, invitation.supporter, now)
                  for invitation in _invitations_to_mail(meeting)]
        outbox_enqueue_all(drafts)
        audit_record(actor=actor, action="meeting.cancel", obj=meeting, detail={"told": len(drafts)})
    return meeting


def meeting_rsvp(*, link: RsvpLink, answer: str, now: datetime | None = None) -> Invitation:
    """A supporter's answer through their link; it may change until the meeting ends.

    Conflict if the meeting is cancelled or over (the page says so kindly)."""
    now = now or timezone.now()
    if answer not in Rsvp.values:
        raise InvalidInput(_("Choose yes, maybe or no."))
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update().select_related("meeting")
                      .filter(meeting_id=link.meeting_id, supporter_id=link.supporter_id).first())
        if invitation is None:
            raise Conflict(_("This invitation is no longer open."))
        if invitation.meeting.cancelled or invitation.meeting.is_over(now):
            raise Conflict(_("This meeting is over or was cancelled."))
        invitation.answer, invitation.answered_at = answer, now
        invitation.save(update_fields=["answer", "answered_at"])
        audit_record(actor=None, action="meeting.rsvp", obj=invitation.meeting,
                     detail={"supporter": link.supporter_id, "answer": answer})
    return invitation


def meeting_record_attendance(*, actor: User, meeting_id: int, attended: set[int],
                              now: datetime | None = None) -> Meeting:
    """Record who came (invitation supporters' ids in `attended`; everyone else invited missed it).
    Once the meeting has started; recording again replaces the earlier record."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().filter(pk=meeting_id, program_id=actor.program_pk).first()
        if meeting is None:
            raise Conflict(_("This meeting no longer exists."))
        if meeting.cancelled:
            raise Conflict(_("This meeting was cancelled."))
        if meeting.starts_at > now:
            raise Conflict(_("Attendance can be recorded once the meeting has started."))
        invited = set(Invitation.objects.filter(meeting=meeting).values_list("supporter_id", flat=True))
        unknown = attended - invited
        if unknown:
            raise InvalidInput(_("Only supporters invited to this meeting can be marked as attending."))
        Invitation.objects.filter(meeting=meeting, supporter_id__in=attended).update(attended=True)
        Invitation.objects.filter(meeting=meeting).exclude(supporter_id__in=attended).update(attended=False)
        meeting.attendance_recorded_at = now
        meeting.save(update_fields=["attendance_recorded_at"])
        audit_record(actor=actor, action="meeting.attendance", obj=meeting,
                     detail={"attended": len(attended), "missed": len(invited) - len(attended)})
    return meeting


def meetings_nudge_missed(now: datetime | None = None) -> int:
    """The reminders job's step: a friendly note to each supporter still on the team whose two
    latest recorded meetings of their program they were invited to were both missed, once per
    streak of misses. Each program's meetings are looked at apart: one program's busy calendar
    never pushes another's meetings out of the look-back.
    Safe to re-run: the nudge row is unique per supporter and streak."""
    now = now or timezone.now()
    recorded = Meeting.objects.filter(cancelled_at__isnull=True, attendance_recorded_at__isnull=False, ends_at__lte=now)
    program_ids = list(recorded.order_by("program_id").values_list("program_id", flat=True).distinct())
    sent = sum(_nudge_program(recorded.filter(program_id=program_id), now) for program_id in program_ids)
    if sent:
        logger.info("Sent %s missed-meetings note(s)", sent)
    return sent


def _nudge_program(recorded: "QuerySet[Meeting]", now: datetime) -> int:
    """The nudges of one program, from its recorded meetings."""
    recent = list(recorded.order_by("-starts_at", "-pk").values_list("pk", flat=True)[:NUDGE_LOOKBACK])
    history: dict[int, list[tuple[int, bool | None]]] = defaultdict(list)
    rows = (Invitation.objects.filter(meeting_id__in=recent, attended__isnull=False)
            .order_by("-meeting__starts_at", "-meeting_id").values_list("supporter_id", "meeting_id", "attended"))
    for supporter_id, meeting_id, attended in rows:
        history[supporter_id].append((meeting_id, attended))
    streaks = {}
    for supporter_id, meetings in history.items():
        missed = []
        for meeting_id, attended in meetings:  # newest first
            if attended:
                break
            missed.append(meeting_id)
        if len(missed) >= 2:
            streaks[supporter_id] = missed[-1]  # the streak's first miss names it
    if not streaks:
        return 0
    done = set(MissedMeetingsNudge.objects.filter(supporter_id__in=streaks)
               .values_list("supporter_id", "streak_start_id"))
    supporters = (Supporter.objects.filter(pk__in=[s for s, m in streaks.items() if (s, m) not in done],
                                           status__in=TEAM_STATUSES)
                  .exclude(person__email="").select_related("person").order_by("pk"))
    sent = 0
    for supporter in supporters:
        try:
            with transaction.atomic():
                MissedMeetingsNudge.objects.create(supporter=supporter, streak_start_id=streaks[supporter.pk],
                                                   sent_at=now)
                subject, body = render_nudge_email(name=supporter.person.name,
                                                   language=getattr(supporter.person, "language", ""))
                outbox_enqueue(kind=NUDGE_KIND, to=supporter.person.email, subject=subject, body=body)
                audit_record(actor=None, action="meeting.nudge", obj=supporter,
                             detail={"streak_start": streaks[supporter.pk]})
        except IntegrityError:
            continue  # another run sent this one first
        sent += 1
    return sent


def scenario_create(*, actor: object, data: ScenarioInput) -> Scenario:
    with transaction.atomic():
        scenario = Scenario.objects.create(**_scenario_fields(data))
        audit_record(actor=actor, action="scenario.create", obj=scenario)
    return scenario


def scenario_update(*, actor: object, scenario_id: int, data: ScenarioInput) -> Scenario:
    with transaction.atomic():
        updated = Scenario.objects.filter(pk=scenario_id).update(**_scenario_fields(data), updated_at=timezone.now())
        if not updated:
            raise Conflict(_("This scenario no longer exists."))
        scenario = Scenario.objects.get(pk=scenario_id)
        audit_record(actor=actor, action="scenario.update", obj=scenario)
    return scenario


def scenario_set_retired(*, actor: object, scenario_id: int, retired: bool) -> Scenario:
    """Retire a scenario from the plans (kept for the record), or bring it back."""
    with transaction.atomic():
        updated = Scenario.objects.filter(pk=scenario_id).update(retired=retired, updated_at=timezone.now())
        if not updated:
            raise Conflict(_("This scenario no longer exists."))
        scenario = Scenario.objects.get(pk=scenario_id)
        audit_record(actor=actor, action="scenario.retire" if retired else "scenario.restore", obj=scenario)
    return scenario


def _scenario_fields(data: ScenarioInput) -> dict[str, str]:
    fields = {"title": data.title.strip(), "category": data.category, "role_type": data.role_type,
              "situation": data.situation.strip(), "feelings": data.feelings.strip()}
    if not all(fields.values()):
        raise InvalidInput(_("Fill in every field of the scenario."))
    return fields


def _open_for_change(actor: User, meeting_id: int, now: datetime) -> Meeting:
    # Locked: two directors changing the meeting at once must not hand out the same SEQUENCE.
    # Another program's meeting is not there for this actor (the views answer 404 before this).
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id, program_id=actor.program_pk).first()
    if meeting is None:
        raise Conflict(_("This meeting no longer exists."))
    if meeting.cancelled:
        raise Conflict(_("This meeting was cancelled."))
    if meeting.is_over(now):
        raise Conflict(_("This meeting is over."))
    return meeting


def _team(program_id: int) -> "list[Supporter]":
    """The meeting's program's team: a supporter's program is their roster entry's."""
    return list(Supporter.objects.filter(status__in=TEAM_STATUSES, person__program_id=program_id)
                .exclude(person__email="").select_related("person").order_by("pk"))


def _invite_team(meeting: Meeting, now: datetime) -> int:
    already = set(Invitation.objects.filter(meeting=meeting).values_list("supporter_id", flat=True))
    newcomers = [supporter for supporter in _team(meeting.program_id) if supporter.pk not in already]
    Invitation.objects.bulk_create([Invitation(meeting=meeting, supporter=s) for s in newcomers])
    outbox_enqueue_all([_draft("invitation", meeting, supporter, now) for supporter in newcomers])
    return len(newcomers)


def _invitations_to_mail(meeting: Meeting) -> "list[Invitation]":
    return list(Invitation.objects.filter(meeting=meeting).exclude(supporter__person__email="")
                .select_related("supporter__person").order_by("pk"))


def _draft(kind: str, meeting: Meeting, supporter: Supporter, now: datetime) -> Draft:
    method = ics.CANCEL if kind == "cancellation" else ics.REQUEST
    email = supporter.person.email
    subject, body = render_meeting_email(kind, meeting, name=supporter.person.name,
                                         rsvp_url=rsvp_url(meeting_id=meeting.pk, supporter_id=supporter.pk),
                                         language=getattr(supporter.person, "language", ""))
    with in_language_of(supporter.person):  # the calendar's words are the supporter's language too
        content = ics.meeting_ics(meeting, method=method, attendee_email=email, now=now)
    attachment = Attachment(name=ics.FILE_NAME, content_type=ics.content_type(method), content=content)
    return Draft(kind=f"meeting_{kind}", to=email, subject=subject, body=body, attachment=attachment)
