"""Nomination campaigns: drafting, sending in the background, and colleagues nominating.

Sending is a background task (`tasks.send_campaign`) that invites the audience in batches, in
roster-id order. Each batch, in one transaction, moves the campaign's cursor with a conditional
UPDATE (so two workers never take the same batch), records who was invited, and writes one outbox
row per person at bulk priority, so a campaign to thousands never holds up an assignment or a
safety alert. A task that dies part way is queued again (by "Send" on a sending campaign) and goes
on from the cursor: nobody is mailed twice. The reminders job does that by itself for a campaign
whose sending has stood still for `STALLED_AFTER` (`campaigns_resume_stalled`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.notifications.models import OutboxPriority
from peersupport.notifications.services import Draft, outbox_enqueue_all
from peersupport.recruitment.invitation import check_invitation, render_invitation
from peersupport.recruitment.links import NOMINATE, NominationLink, nomination_token
from peersupport.recruitment.models import (
    AudienceKind,
    Campaign,
    CampaignStatus,
    Candidate,
    Invitation,
    Nomination,
    Reason,
)
from peersupport.recruitment.selectors import Audience, audience_count, audience_people
from peersupport.roster.models import Person, RoleType
from peersupport.support.links import USED, LinkRefused, kind_url, use_link

NOMINATION_KIND = "nomination_invitation"
SEND_BATCH = 500
# Written to the outbox this many at a time (each `outbox_enqueue_all` is one insert).
OUTBOX_BATCH = 100
MAX_NOMINEES = 10
MAX_LIST = 200


@dataclass(frozen=True)
class CampaignInput:
    name: str
    audience: Audience
    subject: str
    body: str


@dataclass(frozen=True)
class NomineeInput:
    person_id: int
    reasons: tuple[str, ...]


def _checked(data: CampaignInput) -> dict[str, object]:
    name = " ".join((data.name or "").split())
    if not name or len(name) > 120:
        message = "A campaign needs a name (at most 120 characters)."
        raise InvalidInput(message, errors=[{"loc": ["name"], "msg": message, "type": "value_error"}])
    audience = data.audience
    if audience.kind not in AudienceKind.values:
        raise InvalidInput(_("Choose the audience: everyone the program serves, or chosen groups."))
    if audience.kind == AudienceKind.CHOSEN and not (audience.departments or audience.sites or audience.role_types):
        raise InvalidInput(_("Choose at least one department, site or professional role for the audience."))
    if any(len(values) > MAX_LIST for values in (audience.departments, audience.sites)):
        raise InvalidInput(_("Choose at most %(count)s departments and %(count)s sites.") % {"count": MAX_LIST})
    if any(role not in RoleType.values for role in audience.role_types):
        raise InvalidInput(_("Choose professional roles from the list."))
    text = check_invitation(data.subject, data.body)
    chosen = audience.kind == AudienceKind.CHOSEN
    return {
        "name": name,
        "audience_kind": audience.kind,
        "departments": sorted(set(audience.departments)) if chosen else [],
        "sites": sorted(set(audience.sites)) if chosen else [],
        "role_types": sorted(set(audience.role_types)) if chosen else [],
        "subject": text.subject,
        "body": text.body,
    }


def campaign_create(*, actor: User, data: CampaignInput) -> Campaign:
    """A draft campaign of the actor's program, to that program's people."""
    values = _checked(data)
    with transaction.atomic():
        campaign = Campaign.objects.create(program_id=actor.program_pk, created_by=actor, **values)
        audit_record(actor=actor, action="campaign.create", obj=campaign,
                     detail={"audience": campaign.audience_kind})
    return campaign


def campaign_update(*, actor: User, campaign_id: int, data: CampaignInput) -> Campaign:
    """Change a draft; once sending has started, the campaign is as it was sent."""
    values = _checked(data)
    with transaction.atomic():
        changed = (Campaign.objects.filter(pk=campaign_id, program_id=actor.program_pk, status=CampaignStatus.DRAFT)
                   .update(**values))
        if not changed:
            raise Conflict(_("This campaign has been sent; it can no longer be changed."))
        campaign = Campaign.objects.get(pk=campaign_id)
        audit_record(actor=actor, action="campaign.update", obj=campaign,
                     detail={"audience": campaign.audience_kind})
    return campaign


def campaign_send(*, actor: User, campaign_id: int, now: datetime | None = None) -> Campaign:
    """Start sending a draft: fix the audience's size and queue the sending task.

    Pressing "Send" again while it is sending only queues the task again (it goes on from where it
    is); a campaign that was sent refuses.
    """
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.filter(pk=campaign_id, program_id=actor.program_pk).first()
        if campaign is None:
            raise InvalidInput(_("No such campaign."))
        if campaign.status == CampaignStatus.SENT:
            raise Conflict(_("This campaign was already sent; nobody is invited twice."))
        if campaign.status == CampaignStatus.DRAFT:
            size = audience_count(Audience.of(campaign))
            if size == 0:
                raise InvalidInput(_("Nobody on the roster is in this audience: choose another before sending."))
            started = Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.DRAFT).update(
                status=CampaignStatus.SENDING, send_started_at=now, audience_size=size)
            if started:
                audit_record(actor=actor, action="campaign.send", obj=campaign, detail={"audience_size": size})
        transaction.on_commit(partial(_schedule, campaign_id), robust=True)
        campaign.refresh_from_db()
    return campaign


def _schedule(campaign_id: int) -> None:
    from peersupport.recruitment.tasks import send_campaign

    send_campaign.enqueue(campaign_id)


def campaign_send_batch(campaign_id: int, *, size: int = SEND_BATCH, now: datetime | None = None) -> bool:
    """Invite the next batch of the audience; False once there is nothing more to do."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING).first()
        if campaign is None:
            return False
        people = list(
            audience_people(Audience.of(campaign)).filter(pk__gt=campaign.cursor).order_by("pk")
            .only("pk", "name", "email")[:size]
        )
        mine = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SENDING, cursor=campaign.cursor)
        if not people:
            if mine.update(status=CampaignStatus.SENT, sent_at=now):
                audit_record(actor=None, action="campaign.sent", obj=campaign,
                             detail={"invited": campaign.invited_count})
            return False
        if not mine.update(cursor=people[-1].pk, invited_count=F("invited_count") + len(people)):
            return True  # another worker took this batch: look again from where it left the cursor
        Invitation.objects.bulk_create([Invitation(campaign=campaign, person=p, created_at=now) for p in people],
                                       ignore_conflicts=True)
        drafts = []
        for person in people:
            link = kind_url(NOMINATE, nomination_token(campaign_id=campaign.pk, person_id=person.pk))
            subject, body = render_invitation(campaign.subject, campaign.body, name=person.name, link=link)
            drafts.append(Draft(kind=NOMINATION_KIND, to=person.email, subject=subject, body=body))
        for begin in range(0, len(drafts), OUTBOX_BATCH):
            outbox_enqueue_all(drafts[begin:begin + OUTBOX_BATCH], priority=OutboxPriority.BULK)
    return True


# A sending campaign whose invitations have not moved for this long has lost its task (a worker
# stopped part way); a batch takes seconds, so ten minutes of quiet is no longer "busy".
STALLED_AFTER = timedelta(minutes=10)


def campaigns_resume_stalled(now: datetime | None = None) -> int:
    """Queue the sending task again for every campaign whose sending stands still; each goes on
    from its cursor. Safe to re-run: a second task for a campaign still sending takes no batch
    twice (the cursor's conditional update). Returns how many were queued again."""
    now = now or timezone.now()
    quiet_since = now - STALLED_AFTER
    stalled = list(
        Campaign.objects.filter(status=CampaignStatus.SENDING, send_started_at__lt=quiet_since)
        .annotate(last_batch=Max("invitations__created_at"))
        .filter(Q(last_batch__isnull=True) | Q(last_batch__lt=quiet_since))
        .values_list("pk", flat=True)
    )
    for campaign_id in stalled:
        _schedule(campaign_id)
    return len(stalled)


def campaign_send_all(campaign_id: int) -> int:
    """The sending task's work: batches until the campaign is sent. Returns how many it invited."""
    before = Campaign.objects.filter(pk=campaign_id).values_list("invited_count", flat=True).first() or 0
    while campaign_send_batch(campaign_id):
        pass
    after = Campaign.objects.filter(pk=campaign_id).values_list("invited_count", flat=True).first() or 0
    return after - before


# Nominating ------------------------------------------------------------------------------------


def _checked_nominees(nominees: list[NomineeInput]) -> list[NomineeInput]:
    if not nominees:
        raise InvalidInput(_("Choose at least one colleague to nominate."))
    if len(nominees) > MAX_NOMINEES:
        raise InvalidInput(_("Nominate at most %(count)s colleagues at a time.") % {"count": MAX_NOMINEES})
    seen: set[int] = set()
    for nominee in nominees:
        if nominee.person_id in seen:
            raise InvalidInput(_("Each colleague can be chosen once."))
        seen.add(nominee.person_id)
        if not nominee.reasons:
            raise InvalidInput(_("Choose at least one reason for each colleague you nominate."))
        if any(reason not in Reason.values for reason in nominee.reasons):
            raise InvalidInput(_("Choose reasons from the list."))
    return nominees


def nominate(*, link: NominationLink, nominees: list[NomineeInput], now: datetime | None = None) -> list[Nomination]:
    """A colleague's nominations through their personal link, which they use up.

    Only active people on the roster can be nominated; naming oneself is accepted and marked as a
    self-nomination. Each nominee becomes (or stays) a candidate, whose count of distinct
    nominators is brought up to date in the same transaction. A refused form leaves the link working.
    """
    now = now or timezone.now()
    nominees = _checked_nominees(nominees)
    ids = [n.person_id for n in nominees]
    with transaction.atomic():
        campaign = Campaign.objects.filter(pk=link.campaign_id).exclude(status=CampaignStatus.DRAFT).first()
        nominator = Person.objects.filter(pk=link.person_id).first()
        if campaign is None or nominator is None:
            raise LinkRefused("unavailable")
        people = dict(Person.objects.filter(pk__in=ids, active=True).values_list("pk", "program_id"))
        if len(people) != len(ids):
            raise InvalidInput(_("Someone you chose is not on the staff roster any more: remove them and send again."))
        if any(program_id != campaign.program_id for program_id in people.values()):
            raise InvalidInput(_("Someone you chose works at another hospital of the system, whose program "
                                 "recruits its own supporters: remove them and send again."))
        found = set(people)
        if Nomination.objects.filter(campaign=campaign, nominator=nominator).exists():
            raise LinkRefused(USED)
        use_link(NOMINATE, link.nonce)
        made = Nomination.objects.bulk_create([
            Nomination(campaign=campaign, nominator=nominator, nominee_id=n.person_id,
                       reasons=sorted(set(n.reasons), key=Reason.values.index),
                       self_nomination=n.person_id == nominator.pk, created_at=now)
            for n in nominees
        ])
        Candidate.objects.bulk_create([Candidate(person_id=pk, created_at=now, updated_at=now) for pk in ids],
                                      ignore_conflicts=True)
        _recount_nominators(ids)
        # Who nominated whom stays out of the audit trail's detail: counts only.
        audit_record(actor=None, action="nomination.submit", obj=campaign,
                     detail={"nominations": len(made), "self_nomination": nominator.pk in found})
    return made


def _recount_nominators(person_ids: list[int]) -> None:
    """Count each nominee's distinct nominators again. Their candidate rows are locked first (in id
    order, so two submissions never wait on each other crosswise): a submission naming the same
    person at the same moment waits, then counts with the other's nominations committed."""
    list(Candidate.objects.select_for_update().filter(person_id__in=person_ids).order_by("pk").values_list("pk"))
    distinct = (
        Nomination.objects.filter(nominee_id=OuterRef("person_id")).order_by()
        .values("nominee_id").annotate(count=Count("nominator", distinct=True)).values("count")
    )
    Candidate.objects.filter(person_id__in=person_ids).update(nominator_count=Subquery(distinct))
