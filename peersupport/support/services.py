"""The peer's own path: asking for a personal link, and what a link does when it is used.

Asking (`ask_request_record`, in the request) does the same work whatever address is typed: it
counts the recent requests for the rate limits, writes one row and queues one task. Whether the
address is on the roster is decided later, by the worker (`ask_request_process`), so the page
shown and the time it takes cannot tell anyone whether a colleague is on the roster.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from peersupport.audit.services import audit_record
from peersupport.cases.access import case_of_link_holder
from peersupport.cases.models import Case
from peersupport.lib.errors import InvalidInput
from peersupport.lib.keyed import address_digest, client_digest
from peersupport.notifications.emails import render_personal_link_email
from peersupport.notifications.services import outbox_enqueue
from peersupport.referrals.models import Category, Referral, Source
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.roster.models import Person
from peersupport.support.links import ASK, TALK, PersonalLink, ask_link_url, link_consume, link_lifetime
from peersupport.support.models import AskRequest, LinkUse

PERSONAL_LINK_KIND = "personal_link"
# A re-engagement whose earlier event can no longer be copied (purged, or refused by today's rules).
REENGAGEMENT_SUMMARY = "Coming back to the program after an earlier offer of support."


@dataclass(frozen=True)
class AskVerdict:
    limited: bool
    retry_minutes: int = 0


def ask_request_record(*, email: str, client_ip: str | None, source: str,
                       now: datetime | None = None) -> AskVerdict:
    """Take a request for a personal link, unless the address or the client asked too often."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.SUPPORT_ASK_WINDOW_MINUTES)
    since = now - window
    address_key = address_digest(email)
    client_key = client_digest(client_ip)
    recent = AskRequest.objects.filter(created_at__gte=since)
    by_address = recent.filter(address_key=address_key).order_by("-created_at").values_list("created_at", flat=True)
    by_client = recent.filter(client_key=client_key).order_by("-created_at").values_list("created_at", flat=True)
    # The newest `limit` rows: when the limit is reached, the oldest of them leaves the window first.
    address_times = list(by_address[: settings.SUPPORT_ASK_PER_ADDRESS])
    client_times = list(by_client[: settings.SUPPORT_ASK_PER_CLIENT])
    frees_at = [times[-1] + window for times, limit in ((address_times, settings.SUPPORT_ASK_PER_ADDRESS),
                                                         (client_times, settings.SUPPORT_ASK_PER_CLIENT))
                if len(times) >= limit]
    if frees_at:
        minutes = max(1, -(-int((max(frees_at) - now).total_seconds()) // 60))
        return AskVerdict(limited=True, retry_minutes=minutes)
    with transaction.atomic():
        request = AskRequest.objects.create(created_at=now, address_key=address_key, client_key=client_key,
                                            email=email.strip(), source=source)
        transaction.on_commit(partial(_schedule, request.pk), robust=True)
    return AskVerdict(limited=False)


def _schedule(request_id: int) -> None:
    from peersupport.support.tasks import process_ask_request

    process_ask_request.enqueue(request_id)


def served_person_with_address(email: str) -> Person | None:
    """The active roster entry with this address (any letter case), in a role their program serves."""
    address = email.strip()
    if not address or len(address) > 254:
        return None
    return (
        Person.objects.with_email(address).referable_in_their_program()
        .order_by("pk").first()
    )


def ask_request_process(request_id: int, *, now: datetime | None = None) -> bool:
    """The worker's half: email a personal link if the address is a served person's. Safe to re-run.

    Returns whether a link was sent. The address typed is blanked in the same transaction.
    """
    now = now or timezone.now()
    sent = False
    with transaction.atomic():
        claimed = AskRequest.objects.filter(pk=request_id, processed_at__isnull=True).update(processed_at=now)
        request = AskRequest.objects.filter(pk=request_id).first() if claimed else None
        if request is not None:
            person = served_person_with_address(request.email)
            if person is not None:
                url = ask_link_url(person_id=person.pk, source=request.source)
                subject, body = render_personal_link_email(person, url, hours=settings.PERSONAL_LINK_HOURS)
                outbox_enqueue(kind=PERSONAL_LINK_KIND, to=person.email, subject=subject, body=body)
                audit_record(actor=None, action="support.link_sent", object_type="person", object_id=person.pk,
                             detail={"purpose": ASK, "source": request.source})
                sent = True
            AskRequest.objects.filter(pk=request_id).update(email="")
    forget_old_requests(now=now)
    return sent


def forget_old_requests(*, now: datetime | None = None) -> None:
    """Requests past the rate limits' window, and used links past any link's lifetime, are deleted."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.SUPPORT_ASK_WINDOW_MINUTES)
    AskRequest.objects.filter(created_at__lt=now - window, processed_at__isnull=False).delete()
    longest = max(link_lifetime(ASK), link_lifetime(TALK)) + timedelta(days=1)
    LinkUse.objects.filter(used_at__lt=now - longest).delete()


def _person_for(link: PersonalLink) -> Person:
    person = Person.objects.filter(pk=link.person_id).first()
    if person is None:
        raise InvalidInput("This link is for someone no longer on the staff roster.")
    return person


def link_self_refer(*, link: PersonalLink, data: ReferralInput) -> Referral:
    """The self-referral form sent through a personal link: the same case as a signed-in request.

    The link is used up in the same transaction, so a refused form leaves it working, and two
    sends at once make one referral (the other gets LinkRefused(USED)).
    """
    person = _person_for(link)
    data = replace(data, involved_employee_ids=[person.employee_id], source=link.source)
    with transaction.atomic():
        link_consume(link)
        referral, _ = referral_create(referred_by=None, self_person=person, data=data)
        _audit_use(link, person, referral)
    return referral


def talk_reengage(*, link: PersonalLink) -> Referral:
    """"I'd like to talk now": the peer is back in the queue, linked to the case they come back from.

    The earlier case is left as it is (a declined or unreachable case is still closed by its
    supporter as usual); the new case's `reengagement_of` points to it, so the matching can
    suggest the earlier supporter first. The event is copied from the earlier referral while it
    can be (not purged, still valid); otherwise a neutral sentence stands in for it.
    """
    person = _person_for(link)
    earlier = case_of_link_holder(person_id=person.pk, case_id=link.case_id)
    fallback = ReferralInput(category=Category.OTHER, occurred_on=timezone.localdate(),
                             summary=REENGAGEMENT_SUMMARY, involved_employee_ids=[person.employee_id],
                             source=Source.SELF)
    attempts = [fallback]
    if earlier is not None and earlier.referral.purged_at is None and earlier.referral.summary:
        event = earlier.referral
        attempts.insert(0, replace(fallback, category=event.category, occurred_on=event.occurred_on,
                                   summary=event.summary, interventional=event.interventional))
    with transaction.atomic():
        link_consume(link)
        referral = _first_accepted(attempts, person, earlier)
        _audit_use(link, person, referral)
    return referral


def _first_accepted(attempts: list[ReferralInput], person: Person, earlier: Case | None) -> Referral:
    for data in attempts[:-1]:
        try:
            with transaction.atomic():
                return referral_create(referred_by=None, self_person=person, data=data, reengagement_of=earlier)[0]
        except InvalidInput:
            continue
    return referral_create(referred_by=None, self_person=person, data=attempts[-1], reengagement_of=earlier)[0]


def _audit_use(link: PersonalLink, person: Person, referral: Referral) -> None:
    # Who: anonymous (no login); the person by id only, never a name or an address.
    audit_record(actor=None, action="support.link_used", obj=referral,
                 detail={"purpose": link.purpose, "person": person.pk, "source": referral.source})
