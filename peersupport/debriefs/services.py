"""Every change to a group debrief: one service each, in one transaction, with its audit entry and
its emails written to the outbox in that same transaction (so each goes out exactly once).

Each service takes the session through the gate (`debriefs.access`), so who may change what is
decided in one place. The invitations carry the session's calendar event: the invitation and
every change as METHOD:REQUEST with the session's UID and its next SEQUENCE, the cancellation
(and a person taken off the list) as METHOD:CANCEL.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.debriefs.access import debrief_for_user, may_open_debriefs, require_debrief_manager
from peersupport.debriefs.emails import CANCELLATION, INVITATION, UPDATE, session_draft
from peersupport.debriefs.models import DebriefSession, Invitee
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.notifications.models import OutboxPriority
from peersupport.notifications.services import Draft, outbox_enqueue_all
from peersupport.referrals.access import referral_for_program_staff
from peersupport.referrals.models import Category
from peersupport.roster.models import Person, Supporter, SupporterStatus
from peersupport.training.models import TrainingSettings
from peersupport.training.selectors import initial_training_dates, refresher_dates, with_last_training

MAX_DAYS_AHEAD = 365
MAX_HOURS_LONG = 8
# People added to the list at once by department; a larger unit is invited in several steps.
MAX_INVITED_AT_ONCE = 2_000
MAX_INVITEES = 5_000


@dataclass(frozen=True)
class DebriefInput:
    category: str
    event_on: date
    department: str
    team_name: str
    facilitator_ids: tuple[str, str]
    starts_at: datetime
    ends_at: datetime
    place: str
    referral_id: int | None = None


@dataclass(frozen=True)
class TimePlaceInput:
    starts_at: datetime
    ends_at: datetime
    place: str


def _check_time_place(data: DebriefInput | TimePlaceInput, now: datetime) -> str:
    place = " ".join(data.place.split())
    if not place or len(place) > 200:
        raise InvalidInput(_("Give the place: a room and building, or how to join (at most 200 characters)."))
    if data.ends_at <= data.starts_at:
        raise InvalidInput(_("The session must end after it starts."))
    if data.ends_at - data.starts_at > timedelta(hours=MAX_HOURS_LONG):
        raise InvalidInput(_("A session lasts at most %(hours)s hours.") % {"hours": MAX_HOURS_LONG})
    if data.starts_at <= now:
        raise InvalidInput(_("Choose a start time in the future."))
    if data.starts_at > now + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(_("Open a session at most %(days)s days ahead.") % {"days": MAX_DAYS_AHEAD})
    return place


def trained_facilitators(employee_ids: Iterable[str], today: date, program_id: int) -> list[Supporter]:
    """The two facilitators: different people, each an active supporter whose training is current
    (the initial training recorded and the refresher not overdue), of the session's program.
    Refused, naming who and why."""
    wanted = [employee_id.strip() for employee_id in employee_ids]
    if len(wanted) != 2 or not all(wanted):
        raise InvalidInput(_("Choose two facilitators, by their employee ids."))
    if wanted[0] == wanted[1]:
        raise InvalidInput(_("Choose two different facilitators."))
    found = {s.person.employee_id: s for s in with_last_training(
        Supporter.objects.filter(person__employee_id__in=wanted, person__program_id=program_id)
    ).select_related("person")}
    initial = initial_training_dates(s.person_id for s in found.values())
    dates = refresher_dates(today, TrainingSettings.for_program(program_id))
    for employee_id in wanted:
        supporter = found.get(employee_id)
        if supporter is None:
            raise InvalidInput(_("%(id)s is not a supporter on the team: a facilitator is a trained supporter.")
                               % {"id": employee_id[:40]})
        name = supporter.person.name
        if supporter.status != SupporterStatus.ACTIVE or not supporter.person.active:
            raise InvalidInput(_("%(name)s is not an active supporter just now; choose another facilitator.")
                               % {"name": name})
        last = supporter.last_trained_on  # type: ignore[attr-defined]  # annotated by with_last_training
        if supporter.person_id not in initial or dates.is_overdue(last):
            raise InvalidInput(_("%(name)s's training is not current (their refresher is overdue); choose "
                                 "another facilitator, or record their refresher first.") % {"name": name})
        if not supporter.person.email:
            raise InvalidInput(_("%(name)s has no work email on the roster, so they cannot be invited.")
                               % {"name": name})
    return [found[employee_id] for employee_id in wanted]


def _check_event(data: DebriefInput, today: date, program_id: int) -> tuple[str, str]:
    if data.category not in Category.values:
        raise InvalidInput(_("Choose the kind of event."))
    if data.event_on > today:
        raise InvalidInput(_("The event's date is in the future."))
    if data.event_on < today - timedelta(days=365):
        raise InvalidInput(_("The event was more than a year ago; check the date."))
    department, team_name = data.department.strip(), " ".join(data.team_name.split())
    if not department and not team_name:
        raise InvalidInput(_("Name the team: choose a department, or give the team's name (such as "
                             "“Code team”)."))
    if len(department) > 100 or len(team_name) > 100:
        raise InvalidInput(_("A team's name has at most 100 characters."))
    if department and not Person.objects.filter(department=department, active=True, program_id=program_id).exists():
        raise InvalidInput(_("No one active on the roster is in the department “%(department)s”.")
                           % {"department": department[:100]})
    return department, team_name


def debrief_open(*, actor: User, data: DebriefInput, now: datetime | None = None) -> DebriefSession:
    """Open a session for a team; its two facilitators are invited at once. Invitees come next."""
    now = now or timezone.now()
    require_debrief_manager(actor)
    program_id = actor.program_id
    if program_id is None or not may_open_debriefs(actor):
        raise Conflict(_("In this program, administrators do not see group debriefs (as with cases); the "
                         "director opens them."))
    place = _check_time_place(data, now)
    today = timezone.localdate(now)
    department, team_name = _check_event(data, today, program_id)
    one, two = trained_facilitators(data.facilitator_ids, today, program_id)
    referral = None
    if data.referral_id is not None:
        try:
            referral = referral_for_program_staff(actor, data.referral_id)
        except Http404:
            raise InvalidInput(_("No referral has the number %(number)s.") % {"number": data.referral_id}) from None
    with transaction.atomic():
        session = DebriefSession.objects.create(
            category=data.category, event_on=data.event_on, department=department, team_name=team_name,
            program_id=program_id, referral=referral, facilitator_one=one, facilitator_two=two,
            starts_at=data.starts_at, ends_at=data.ends_at, place=place, time_zone=settings.TIME_ZONE,
            opened_by=actor, created_at=now)
        outbox_enqueue_all([session_draft(INVITATION, session, supporter.person, facilitating=True, now=now)
                            for supporter in (one, two)])
        audit_record(actor=actor, action="debrief.create", obj=session,
                     detail={"referral": referral.pk if referral else None, "facilitators": [one.pk, two.pk]})
    return session


def _open_for_change(actor: User, session_id: int, now: datetime) -> DebriefSession:
    require_debrief_manager(actor)
    session = debrief_for_user(actor, session_id, action="debrief.change", for_update=True)
    if session.cancelled:
        raise Conflict(_("This session was cancelled."))
    if session.is_over(now):
        raise Conflict(_("This session is over."))
    return session


def _everyone(session: DebriefSession) -> list[tuple[Person, bool]]:
    """Each person invited, facilitators first: (person, facilitating)."""
    facilitators = [s.person for s in Supporter.objects.filter(pk__in=session.facilitator_ids())
                    .select_related("person").order_by("pk")]
    invitees = [i.person for i in Invitee.objects.filter(session=session).exclude(person__email="")
                .select_related("person").order_by("pk")]
    return [(p, True) for p in facilitators] + [(p, False) for p in invitees]


def _drafts(kind: str, session: DebriefSession, people: list[tuple[Person, bool]], now: datetime) -> list[Draft]:
    return [session_draft(kind, session, person, facilitating=facilitating, now=now)
            for person, facilitating in people if person.email]


def debrief_change_time_place(*, actor: User, session_id: int, data: TimePlaceInput,
                              now: datetime | None = None) -> DebriefSession:
    """A new time or place: everyone invited gets the new event, which replaces the old one.
    Saved with nothing changed, nobody is written to and the calendar's sequence stays."""
    now = now or timezone.now()
    place = _check_time_place(data, now)
    with transaction.atomic():
        session = _open_for_change(actor, session_id, now)
        wanted = (data.starts_at, data.ends_at, place)
        if wanted == (session.starts_at, session.ends_at, session.place):
            return session
        session.starts_at, session.ends_at, session.place = wanted
        session.sequence += 1
        session.save(update_fields=["starts_at", "ends_at", "place", "sequence"])
        drafts = _drafts(UPDATE, session, _everyone(session), now)
        outbox_enqueue_all(drafts, priority=OutboxPriority.BULK if len(drafts) > 50 else None)
        audit_record(actor=actor, action="debrief.updated", obj=session,
                     detail={"sequence": session.sequence, "told": len(drafts)})
    return session


def debrief_cancel(*, actor: User, session_id: int, now: datetime | None = None) -> DebriefSession:
    """Cancel a session: everyone invited gets the cancellation, which removes the event."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _open_for_change(actor, session_id, now)
        session.cancelled_at = now
        session.sequence += 1
        session.save(update_fields=["cancelled_at", "sequence"])
        drafts = _drafts(CANCELLATION, session, _everyone(session), now)
        outbox_enqueue_all(drafts, priority=OutboxPriority.BULK if len(drafts) > 50 else None)
        audit_record(actor=actor, action="debrief.cancelled", obj=session, detail={"told": len(drafts)})
    return session


@dataclass(frozen=True)
class InviteeChange:
    added: int
    removed: int


def debrief_change_invitees(*, actor: User, session_id: int, add: Iterable[int] = (), remove: Iterable[int] = (),
                            department: str = "", now: datetime | None = None) -> InviteeChange:
    """Tick and untick people (roster ids), or add everyone active in a department. Each person
    added gets the invitation, each taken off the list the cancellation, in this transaction."""
    now = now or timezone.now()
    add_ids, remove_ids = set(add), set(remove)
    if add_ids & remove_ids:
        raise InvalidInput(_("Someone cannot be both added and taken off the list."))
    with transaction.atomic():
        session = _open_for_change(actor, session_id, now)
        facilitators = Supporter.objects.filter(pk__in=session.facilitator_ids()).values("person_id")
        people = Person.objects.filter(active=True, program_id=session.program_id).exclude(pk__in=facilitators)
        if department.strip():
            newcomers = people.filter(department=department.strip())
        else:
            newcomers = people.filter(pk__in=add_ids)
        newcomers = newcomers.exclude(pk__in=Invitee.objects.filter(session=session).values("person_id"))
        found = list(newcomers.order_by("pk")[:MAX_INVITED_AT_ONCE + 1])
        if len(found) > MAX_INVITED_AT_ONCE:
            raise InvalidInput(_("That would add more than %(n)s people at once; tick them page by page instead.")
                               % {"n": MAX_INVITED_AT_ONCE})
        if Invitee.objects.filter(session=session).count() + len(found) > MAX_INVITEES:
            raise InvalidInput(_("A session invites at most %(n)s people.") % {"n": MAX_INVITEES})
        Invitee.objects.bulk_create([Invitee(session=session, person=person, invited_at=now) for person in found])
        leaving = list(Invitee.objects.filter(session=session, person_id__in=remove_ids).select_related("person"))
        Invitee.objects.filter(pk__in=[i.pk for i in leaving]).delete()
        drafts = (_drafts(INVITATION, session, [(p, False) for p in found], now)
                  + _drafts(CANCELLATION, session, [(i.person, False) for i in leaving], now))
        outbox_enqueue_all(drafts, priority=OutboxPriority.BULK if len(drafts) > 50 else None)
        if found or leaving:
            audit_record(actor=actor, action="debrief.invitees_changed", obj=session,
                         detail={"added": len(found), "removed": len(leaving),
                                 "by_department": bool(department.strip())})
    return InviteeChange(added=len(found), removed=len(leaving))
