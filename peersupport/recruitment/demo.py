"""The demo's recruiting: a past campaign to Emergency Medicine, its nominations, and candidates in
every state of the pipeline.

Everything goes through the services the pages use (campaign, sending, nominating through real
signed links, the pipeline's moves), then the campaign's dates are moved back about six weeks, as
the rest of the demo's history is. The candidates who accept are three of the demo's supporters
recorded as nominated, so the pipeline visibly feeds the supporter records.
"""

import random
from datetime import datetime, timedelta

from peersupport.accounts.models import User
from peersupport.recruitment.invitation import DEFAULT_BODY, DEFAULT_SUBJECT
from peersupport.recruitment.links import answer_token, nomination_token, read_answer_link, read_nomination_link
from peersupport.recruitment.models import Campaign, Candidate, CandidateState, Invitation, Nomination, Reason
from peersupport.recruitment.pipeline import (
    candidate_activate,
    candidate_answer_through_link,
    candidate_invite,
    candidate_start_training,
)
from peersupport.recruitment.selectors import Audience, audience_people, ranked_candidates
from peersupport.recruitment.services import (
    CampaignInput,
    NomineeInput,
    campaign_create,
    campaign_send,
    campaign_send_all,
    nominate,
)
from peersupport.roster.models import Person, Supporter, SupporterStatus
from peersupport.training.models import CourseKind, Session
from peersupport.training.services import attendance_record

DEPARTMENT = "Emergency Medicine"
SEED = 10_2026
NOMINATORS = 16
WEEKS_AGO = 6


def demo_recruitment(*, director: User, administrator: User, now: datetime) -> Campaign:
    rng = random.Random(SEED)  # the same demo every time; nothing secret is drawn  # nosec B311
    campaign = campaign_create(actor=administrator, data=CampaignInput(
        name=f"{DEPARTMENT}: who would you want to talk to?",
        audience=Audience(kind="chosen", departments=(DEPARTMENT,)),
        subject=DEFAULT_SUBJECT, body=DEFAULT_BODY))
    campaign_send(actor=administrator, campaign_id=campaign.pk)
    campaign_send_all(campaign.pk)

    invited = list(audience_people(Audience.of(campaign)).filter(
        pk__in=Invitation.objects.filter(campaign=campaign).values("person")).order_by("pk"))
    # Whom they name: three colleagues already recorded as nominated supporters (named most), and
    # a few of their own department who are not on the team.
    waiting = list(Person.objects.filter(supporter__status=SupporterStatus.NOMINATED, program_id=campaign.program_id)
                   .order_by("pk")[:3])
    others = [p for p in invited if not Supporter.objects.filter(person=p).exists()][-6:]
    pool = waiting + others
    weights = [6, 5, 4, 4, 3, 3, 2, 1, 1][: len(pool)]
    for i, nominator in enumerate(invited[:NOMINATORS]):
        count = 1 + (i % 3)
        chosen: list[Person] = []
        while len(chosen) < min(count, len(pool)):
            person = rng.choices(pool, weights=weights)[0]
            if person not in chosen:
                chosen.append(person)
        if i == 4:
            chosen = [nominator, *chosen[:1]]  # one colleague names themself too
        reasons = list(Reason.values)
        link = read_nomination_link(nomination_token(campaign_id=campaign.pk, person_id=nominator.pk))
        nominate(link=link, nominees=[NomineeInput(person.pk, tuple(rng.sample(reasons, rng.randint(1, 3))))
                                      for person in chosen])

    _move_through_pipeline(director, now)
    _backdate(campaign, now)
    return campaign


def _move_through_pipeline(director: User, now: datetime) -> None:
    """The director invites the six named most; three say yes, one no, two have not answered."""
    top = list(ranked_candidates(director.program_pk)[:6])
    for candidate in top:
        candidate_invite(actor=director, candidate_id=candidate.pk)
    accepting = [c for c in top if Supporter.objects.filter(person=c.person).exists()][:3]
    declining = [c for c in top if c not in accepting][:1]
    for candidate, yes in [(c, True) for c in accepting] + [(c, False) for c in declining]:
        link = read_answer_link(answer_token(candidate_id=candidate.pk))
        candidate_answer_through_link(link=link, accepted=yes)
    for candidate in accepting[:2]:
        candidate_start_training(actor=director, candidate_id=candidate.pk)
    if accepting:
        # Their initial training is recorded (at the demo's latest initial session); then they are
        # made active.
        trained = accepting[0]
        session = (Session.objects.filter(course__kind=CourseKind.INITIAL, starts_at__lte=now)
                   .order_by("-starts_at").first())
        if session is None:
            return
        attendance_record(actor=director, session=session, employee_ids=[trained.person.employee_id])
        candidate_activate(actor=director, candidate_id=trained.pk)


def _backdate(campaign: Campaign, now: datetime) -> None:
    sent = now - timedelta(weeks=WEEKS_AGO)
    Campaign.objects.filter(pk=campaign.pk).update(created_at=sent - timedelta(days=2), send_started_at=sent,
                                                   sent_at=sent + timedelta(minutes=3))
    Invitation.objects.filter(campaign=campaign).update(created_at=sent)
    for i, pk in enumerate(Nomination.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)):
        Nomination.objects.filter(pk=pk).update(created_at=sent + timedelta(hours=5 + 7 * i))
    invited_at = sent + timedelta(days=17)
    Candidate.objects.update(created_at=sent + timedelta(hours=5), updated_at=invited_at)
    Candidate.objects.exclude(state=CandidateState.NOMINATED).update(invited_at=invited_at)
    Candidate.objects.exclude(state__in=(CandidateState.NOMINATED, CandidateState.INVITED)).update(
        answered_at=invited_at + timedelta(days=3), updated_at=invited_at + timedelta(days=3))
