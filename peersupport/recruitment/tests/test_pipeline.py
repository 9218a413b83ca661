"""The candidate pipeline: ranked by distinct nominators, every move audited, refusals, the supporter record."""

from datetime import date

import pytest

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditEntry
from peersupport.lib.errors import Conflict
from peersupport.notifications.models import OutboxMessage
from peersupport.program.models import Program
from peersupport.recruitment.links import answer_token, read_answer_link
from peersupport.recruitment.models import CandidateState, Nomination
from peersupport.recruitment.pipeline import (
    candidate_activate,
    candidate_answer_through_link,
    candidate_invite,
    candidate_record_answer,
    candidate_start_training,
)
from peersupport.recruitment.selectors import ranked_candidates, reason_counts
from peersupport.recruitment.tests.factories import make_campaign, make_candidate
from peersupport.roster.models import Supporter, SupporterStatus
from peersupport.support.links import LinkRefused
from peersupport.testing.factories import make_person, make_supporter, make_user
from peersupport.training.models import Attendance, CourseKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def director():
    return make_user(Role.DIRECTOR)


def test_candidates_are_ranked_by_distinct_nominators_with_reasons_counted(director):
    campaign = make_campaign(director)
    ana, ben, cy = (make_person(name=n) for n in ("Ana", "Ben", "Cy"))
    make_candidate(ana, nominator_count=1)
    make_candidate(ben, nominator_count=3)
    make_candidate(cy, nominator_count=3)
    nominators = [make_person() for _ in range(3)]
    for nominator, reasons in zip(nominators, (["calm", "listener"], ["calm"], ["discreet"]), strict=True):
        Nomination.objects.create(campaign=campaign, nominator=nominator, nominee=ben, reasons=reasons)
    assert [c.person.name for c in ranked_candidates(Program.default().pk)] == ["Ben", "Cy", "Ana"]
    assert reason_counts([ben.pk])[ben.pk] == [("Calm under pressure", 2), ("A good listener", 1), ("Discreet", 1)]


def test_the_whole_way_from_nominated_to_active_feeds_the_supporter_record(director):
    person = make_person(name="Robin Nominee", email="robin@example.org")
    candidate = make_candidate(person)
    candidate_invite(actor=director, candidate_id=candidate.pk)
    message = OutboxMessage.objects.get(kind="candidate_invitation")
    assert message.to == "robin@example.org" and "/support/what-supporters-do/" in message.body
    assert "/join/" in message.body
    candidate_record_answer(actor=director, candidate_id=candidate.pk, accepted=True)
    supporter = Supporter.objects.get(person=person)
    assert supporter.status == SupporterStatus.IN_TRAINING
    candidate_start_training(actor=director, candidate_id=candidate.pk)
    with pytest.raises(Conflict, match="initial training first"):
        candidate_activate(actor=director, candidate_id=candidate.pk)
    Attendance.objects.create(person=person, kind=CourseKind.INITIAL, trained_on=date(2026, 3, 1), legacy=True)
    candidate_activate(actor=director, candidate_id=candidate.pk)
    candidate.refresh_from_db()
    supporter.refresh_from_db()
    assert candidate.state == CandidateState.ACTIVE and supporter.status == SupporterStatus.ACTIVE
    entries = AuditEntry.objects.filter(action__startswith="candidate.").order_by("pk")
    actions = list(entries.values_list("action", flat=True))
    assert actions == ["candidate.invite", "candidate.accepted", "candidate.training", "candidate.active"]


def test_accepting_leaves_an_existing_active_supporter_as_they_are(director):
    supporter = make_supporter(status=SupporterStatus.ACTIVE)
    candidate = make_candidate(supporter.person, state=CandidateState.INVITED)
    candidate_record_answer(actor=director, candidate_id=candidate.pk, accepted=True)
    supporter.refresh_from_db()
    assert supporter.status == SupporterStatus.ACTIVE


def test_accepting_moves_a_nominated_supporter_record_to_in_training_keeping_its_fields(director):
    supporter = make_supporter(status=SupporterStatus.NOMINATED, trained_on=None, capacity=3)
    candidate = make_candidate(supporter.person, state=CandidateState.INVITED)
    candidate_record_answer(actor=director, candidate_id=candidate.pk, accepted=True)
    supporter.refresh_from_db()
    assert supporter.status == SupporterStatus.IN_TRAINING and supporter.capacity == 3


def test_moves_out_of_order_are_refused_and_change_nothing(director):
    candidate = make_candidate(make_person())
    with pytest.raises(Conflict, match="nominated now"):
        candidate_record_answer(actor=director, candidate_id=candidate.pk, accepted=True)
    with pytest.raises(Conflict):
        candidate_start_training(actor=director, candidate_id=candidate.pk)
    candidate_invite(actor=director, candidate_id=candidate.pk)
    with pytest.raises(Conflict, match="invited now"):
        candidate_invite(actor=director, candidate_id=candidate.pk)
    candidate_record_answer(actor=director, candidate_id=candidate.pk, accepted=False)
    with pytest.raises(Conflict, match="declined now"):
        candidate_start_training(actor=director, candidate_id=candidate.pk)
    assert not Supporter.objects.exists()
    assert OutboxMessage.objects.filter(kind="candidate_invitation").count() == 1


def test_of_two_directors_moving_the_same_candidate_one_wins(director):
    candidate = make_candidate(make_person(), state=CandidateState.INVITED)
    stale = type(candidate).objects.select_related("person").get(pk=candidate.pk)
    candidate_record_answer(actor=director, candidate_id=candidate.pk, accepted=False)
    from peersupport.recruitment.pipeline import _move

    with pytest.raises(Conflict, match="declined now"):
        _move(stale, CandidateState.ACCEPTED, stale.updated_at)
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.DECLINED


def test_the_nominee_answers_through_their_link_once(director):
    candidate = make_candidate(make_person(), state=CandidateState.INVITED)
    token = answer_token(candidate_id=candidate.pk)
    candidate_answer_through_link(link=read_answer_link(token), accepted=True)
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.ACCEPTED
    with pytest.raises(LinkRefused) as refused:
        read_answer_link(token)
    assert refused.value.problem == "used"
    entry = AuditEntry.objects.get(action="candidate.accepted")
    assert entry.actor is None


def test_an_answer_link_after_the_director_recorded_the_answer_is_used(director):
    candidate = make_candidate(make_person(), state=CandidateState.INVITED)
    link = read_answer_link(answer_token(candidate_id=candidate.pk))
    candidate_record_answer(actor=director, candidate_id=candidate.pk, accepted=False)
    with pytest.raises(LinkRefused):
        candidate_answer_through_link(link=link, accepted=True)
    assert not Supporter.objects.exists()


def test_someone_who_only_named_themself_is_not_told_that_colleagues_named_them(director):
    staff = make_user(Role.ADMINISTRATOR)
    campaign = make_campaign(staff)
    robin, sam = make_person(name="Robin Self"), make_person(name="Sam Named")
    Nomination.objects.create(campaign=campaign, nominator=robin, nominee=robin, self_nomination=True)
    Nomination.objects.create(campaign=campaign, nominator=robin, nominee=sam)
    for person in (robin, sam):
        candidate_invite(actor=director, candidate_id=make_candidate(person, nominator_count=1).pk)
    own = OutboxMessage.objects.get(to=robin.email)
    named = OutboxMessage.objects.get(to=sam.email)
    assert "named you" not in own.subject + own.body and "Whoever named you" not in own.body
    assert "putting yourself forward" in own.body
    assert named.subject == "Colleagues named you for the peer support team"
    assert "Colleagues of yours named you" in named.body
