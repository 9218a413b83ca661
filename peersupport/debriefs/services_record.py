"""After a group debrief: its structured record, the follow-up email with each invitee's personal
link, and what that link does (an ordinary case, source `group_debrief`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.cases.actions import MAX_ENCOUNTER_MINUTES
from peersupport.cases.models import GuideTopic
from peersupport.debriefs.access import debrief_for_user, require_debrief_manager, require_debrief_role
from peersupport.debriefs.emails import follow_up_draft
from peersupport.debriefs.links import FOLLOW_UP, FollowUpLink, follow_up_url
from peersupport.debriefs.models import DebriefSession, Invitee
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.notifications.models import OutboxPriority
from peersupport.notifications.services import outbox_enqueue_all
from peersupport.referrals.models import Referral, Source
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.resources.models import Resource
from peersupport.support.links import LinkRefused, use_link

MAX_ATTENDANCE = 5_000
# The event's sentence on a case opened from the follow-up link: nothing about the event itself.
FOLLOW_UP_SUMMARY = "Asked for one-to-one support after a group debrief for their team."
UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class RecordInput:
    attendance_count: int
    minutes: int
    topics: tuple[str, ...] = ()
    resource_ids: tuple[int, ...] = ()


def debrief_record(*, actor: User, session_id: int, data: RecordInput, now: datetime | None = None) -> DebriefSession:
    """How many came (a number, never who), how long, the guide's topics and the resources offered.
    Once the session has started; recording again replaces the record."""
    now = now or timezone.now()
    require_debrief_role(actor)
    if not 0 <= data.attendance_count <= MAX_ATTENDANCE:
        raise InvalidInput(_("Give how many people came: a number from 0 to %(n)s.") % {"n": MAX_ATTENDANCE})
    if not 1 <= data.minutes <= MAX_ENCOUNTER_MINUTES:
        raise InvalidInput(_("Give how long the session took: from 1 to %(n)s minutes.") % {"n": MAX_ENCOUNTER_MINUTES})
    if any(topic not in GuideTopic.values for topic in data.topics):
        raise InvalidInput(_("Choose the topics from the conversation guide's list."))
    wanted = set(data.resource_ids)
    with transaction.atomic():
        session = debrief_for_user(actor, session_id, action="debrief.record", for_update=True)
        # The session's own program's resources only.
        resources = list(Resource.objects.filter(pk__in=wanted, active=True, program_id=session.program_id))
        if len(resources) != len(wanted):
            raise InvalidInput(_("Choose the resources from the program's list."))
        if session.cancelled:
            raise Conflict(_("This session was cancelled."))
        if not session.has_started(now):
            raise Conflict(_("The session can be recorded once it has started."))
        session.attendance_count, session.minutes = data.attendance_count, data.minutes
        session.topics = [topic for topic in GuideTopic.values if topic in data.topics]
        session.recorded_at = now
        session.save(update_fields=["attendance_count", "minutes", "topics", "recorded_at"])
        session.resources.set(resources)
        audit_record(actor=actor, action="debrief.recorded", obj=session,
                     detail={"attendance": data.attendance_count, "minutes": data.minutes,
                             "topics": len(session.topics), "resources": len(resources)})
    return session


def debrief_send_follow_up(*, actor: User, session_id: int, now: datetime | None = None) -> int:
    """The follow-up email to every invitee with a work email, each with their personal link to ask
    for one-to-one support. Once the session is over; each invitee is written to once, whoever
    presses the button again (someone added late is written to on the next press)."""
    now = now or timezone.now()
    require_debrief_manager(actor)
    with transaction.atomic():
        session = debrief_for_user(actor, session_id, action="debrief.change", for_update=True)
        if session.cancelled:
            raise Conflict(_("This session was cancelled."))
        if not session.is_over(now):
            raise Conflict(_("The follow-up goes out once the session is over."))
        pending = list(Invitee.objects.filter(session=session, followed_up_at__isnull=True)
                       .exclude(person__email="").select_related("person").order_by("pk"))
        Invitee.objects.filter(pk__in=[i.pk for i in pending]).update(followed_up_at=now)
        drafts = [follow_up_draft(session, invitee.person,
                                  link=follow_up_url(session_id=session.pk, person_id=invitee.person_id))
                  for invitee in pending]
        outbox_enqueue_all(drafts, priority=OutboxPriority.BULK if len(drafts) > 50 else None)
        session.followed_up_at = now
        session.save(update_fields=["followed_up_at"])
        audit_record(actor=actor, action="debrief.followed_up", obj=session, detail={"sent": len(drafts)})
    return len(drafts)


def _invitee_of(link: FollowUpLink) -> Invitee:
    """The invitee the link names, of a session that took place; LinkRefused otherwise. The link's
    signature is the authority here (no login)."""
    invitee = (Invitee.objects.select_related("person", "session")
               .filter(session_id=link.session_id, person_id=link.person_id).first())
    if invitee is None or invitee.session.cancelled or not invitee.person.active:
        raise LinkRefused(UNAVAILABLE)
    return invitee


def follow_up_link_open(link: FollowUpLink) -> None:
    """Whether the link can still be used: raises LinkRefused(UNAVAILABLE) if not."""
    _invitee_of(link)


def debrief_support_request(*, link: FollowUpLink) -> Referral:
    """An invitee asks for one-to-one support through their follow-up link: an ordinary case, its
    source `group_debrief`, the event's kind and date from the session. The link is used up in the
    same transaction, so two presses make one case (the other gets LinkRefused(USED))."""
    invitee = _invitee_of(link)
    session, person = invitee.session, invitee.person
    data = ReferralInput(category=session.category, occurred_on=session.event_on, summary=FOLLOW_UP_SUMMARY,
                         involved_employee_ids=[person.employee_id], source=Source.GROUP_DEBRIEF)
    with transaction.atomic():
        use_link(FOLLOW_UP, link.nonce)
        referral, _created = referral_create(referred_by=None, self_person=person, data=data)
        # Who: anonymous (no login); the person by id only, never a name or an address.
        audit_record(actor=None, action="debrief.support_request", obj=referral,
                     detail={"debrief": session.pk, "person": person.pk})
    return referral


def topic_labels(topics: Iterable[str]) -> list[str]:
    labels = dict(GuideTopic.choices)
    return [str(labels[topic]) for topic in topics if topic in labels]
