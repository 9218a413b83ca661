"""The candidate pipeline: nominated → invited → accepted or declined → in training → active.

Every move is a conditional UPDATE from the states it may leave (so of two people moving the same
candidate at once, one wins and the other is told), audited in the same transaction. The pipeline
feeds the roster's supporter records through the roster's own service (`supporter_upsert`, whose
save bumps the matching's version): accepting makes the person a supporter in training; making
them active needs their initial training recorded (peersupport/training: an attendance of a
session of an initial course), the same rule the roster applies.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.notifications.emails import render_plain_text
from peersupport.notifications.services import outbox_enqueue
from peersupport.recruitment.invitation import about_url, first_name
from peersupport.recruitment.links import ANSWER, AnswerLink, answer_token
from peersupport.recruitment.models import Candidate, CandidateState, Nomination
from peersupport.roster.models import Supporter, SupporterStatus
from peersupport.roster.services import SupporterInput, supporter_upsert
from peersupport.support.links import USED, LinkRefused, kind_url, use_link
from peersupport.training.selectors import has_initial_training

CANDIDATE_INVITE_KIND = "candidate_invitation"
# What each move needs the candidate to be in.
FROM = {
    CandidateState.INVITED: (CandidateState.NOMINATED,),
    CandidateState.ACCEPTED: (CandidateState.INVITED,),
    CandidateState.DECLINED: (CandidateState.INVITED,),
    CandidateState.IN_TRAINING: (CandidateState.ACCEPTED,),
    CandidateState.ACTIVE: (CandidateState.IN_TRAINING,),
}
# The supporter statuses that accepting leaves alone: the person is already further along.
FURTHER_ALONG = (SupporterStatus.IN_TRAINING, SupporterStatus.ACTIVE, SupporterStatus.PAUSED)


def _refusal(candidate: Candidate) -> Conflict:
    current = Candidate.objects.filter(pk=candidate.pk).values_list("state", flat=True).first()
    label = str(CandidateState(current).label).lower() if current else _("removed")
    return Conflict(_("%(name)s is %(state)s now (someone may have just moved them); nothing was changed.")
                    % {"name": candidate.person.name, "state": label})


def _move(candidate: Candidate, to: CandidateState, now: datetime, **fields: object) -> None:
    moved = Candidate.objects.filter(pk=candidate.pk, state__in=FROM[to]).update(state=to, updated_at=now, **fields)
    if not moved:
        raise _refusal(candidate)
    candidate.state = to


def _candidate(candidate_id: int) -> Candidate:
    candidate = Candidate.objects.select_related("person").filter(pk=candidate_id).first()
    if candidate is None:
        raise InvalidInput(_("No such candidate."))
    return candidate


def initial_training_recorded(supporter: Supporter) -> bool:
    """Whether the supporter's initial training is on record (peersupport/training): the same
    rule the roster applies before anyone becomes active."""
    return has_initial_training(supporter.person)


def candidate_invite(*, actor: User, candidate_id: int, now: datetime | None = None) -> Candidate:
    """Email the nominee an invitation: what supporters do, and a personal link to say yes or no."""
    now = now or timezone.now()
    with transaction.atomic():
        candidate = _candidate(candidate_id)
        person = candidate.person
        if not person.email or not person.active:
            raise InvalidInput(_("%(name)s has no email address on the roster, or has left; nothing was sent.")
                               % {"name": person.name})
        _move(candidate, CandidateState.INVITED, now, invited_at=now)
        link = kind_url(ANSWER, answer_token(candidate_id=candidate.pk))
        # Someone who only put themself forward is not told that colleagues named them.
        named_by_colleagues = Nomination.objects.filter(nominee=person).exclude(nominator=person).exists()
        # In the nominee's own language, whatever the director's page is in.
        with translation.override(getattr(person, "language", "") or settings.LANGUAGE_CODE):
            context = {"first_name": first_name(person.name), "answer_url": link, "about_url": about_url(),
                       "site_url": settings.SITE_URL, "named_by_colleagues": named_by_colleagues}
            template = "recruitment/emails/candidate_invitation_{}.txt"
            subject = render_plain_text(template.format("subject"), context, recipient=person)
            body = render_plain_text(template.format("body"), context, recipient=person)
        outbox_enqueue(kind=CANDIDATE_INVITE_KIND, to=person.email, subject=subject, body=body.strip() + "\n")
        audit_record(actor=actor, action="candidate.invite", obj=candidate)
    return candidate


def _accept(candidate: Candidate, actor: User | None, now: datetime) -> None:
    _move(candidate, CandidateState.ACCEPTED, now, answered_at=now)
    supporter = Supporter.objects.filter(person=candidate.person).first()
    if supporter is None or supporter.status not in FURTHER_ALONG:
        keep = SupporterInput() if supporter is None else _input_of(supporter)
        supporter_upsert(actor=actor, employee_id=candidate.person.employee_id,
                         data=_with_status(keep, SupporterStatus.IN_TRAINING))
    audit_record(actor=actor, action="candidate.accepted", obj=candidate)


def _decline(candidate: Candidate, actor: User | None, now: datetime) -> None:
    _move(candidate, CandidateState.DECLINED, now, answered_at=now)
    audit_record(actor=actor, action="candidate.declined", obj=candidate)


def candidate_record_answer(*, actor: User, candidate_id: int, accepted: bool,
                            now: datetime | None = None) -> Candidate:
    """The director records the nominee's answer given in person (the email's link does the same)."""
    now = now or timezone.now()
    with transaction.atomic():
        candidate = _candidate(candidate_id)
        (_accept if accepted else _decline)(candidate, actor, now)
    return candidate


def candidate_answer_through_link(*, link: AnswerLink, accepted: bool, now: datetime | None = None) -> Candidate:
    """The nominee's own yes or no, through the personal link in their invitation (used up)."""
    now = now or timezone.now()
    with transaction.atomic():
        candidate = Candidate.objects.select_related("person").filter(pk=link.candidate_id).first()
        if candidate is None:
            raise LinkRefused("unavailable")
        if candidate.state != CandidateState.INVITED:
            raise LinkRefused(USED)
        use_link(ANSWER, link.nonce)
        (_accept if accepted else _decline)(candidate, None, now)
    return candidate


def candidate_start_training(*, actor: User, candidate_id: int, now: datetime | None = None) -> Candidate:
    now = now or timezone.now()
    with transaction.atomic():
        candidate = _candidate(candidate_id)
        _move(candidate, CandidateState.IN_TRAINING, now)
        audit_record(actor=actor, action="candidate.training", obj=candidate)
    return candidate


def candidate_activate(*, actor: User, candidate_id: int, now: datetime | None = None) -> Candidate:
    """Active on the team, once their initial training is recorded (an attendance of an initial session)."""
    now = now or timezone.now()
    with transaction.atomic():
        candidate = _candidate(candidate_id)
        if candidate.state not in FROM[CandidateState.ACTIVE]:
            raise _refusal(candidate)
        supporter = Supporter.objects.select_for_update().filter(person=candidate.person).first()
        if supporter is None or not initial_training_recorded(supporter):
            raise Conflict(_("Record %(name)s's initial training first (their attendance of an initial training "
                             "session, under Training); a supporter becomes active only after it.")
                           % {"name": candidate.person.name})
        _move(candidate, CandidateState.ACTIVE, now)
        if supporter.status != SupporterStatus.ACTIVE:
            supporter_upsert(actor=actor, employee_id=candidate.person.employee_id,
                             data=_with_status(_input_of(supporter), SupporterStatus.ACTIVE))
        audit_record(actor=actor, action="candidate.active", obj=candidate)
    return candidate


def _input_of(supporter: Supporter) -> SupporterInput:
    return SupporterInput(status=supporter.status, capacity=supporter.capacity, trained_on=supporter.trained_on,
                          experience=tuple(supporter.experience), paused_until=supporter.paused_until,
                          on_call=supporter.on_call)


def _with_status(data: SupporterInput, status: str) -> SupporterInput:
    return SupporterInput(status=status, capacity=data.capacity, trained_on=data.trained_on,
                          experience=data.experience, paused_until=data.paused_until, on_call=data.on_call)


MOVES = {
    "invite": candidate_invite,
    "training": candidate_start_training,
    "active": candidate_activate,
}


def candidate_move(*, actor: User, candidate_id: int, step: str) -> Candidate:
    """One step from the pipeline page: invite, accepted, declined, training or active."""
    if step in ("accepted", "declined"):
        return candidate_record_answer(actor=actor, candidate_id=candidate_id, accepted=step == "accepted")
    if step not in MOVES:
        raise InvalidInput(_("Choose a step from the pipeline."))
    return MOVES[step](actor=actor, candidate_id=candidate_id)
