"""Two people acting at once, as separate workers with their own database connections."""

import pytest

from peersupport.accounts.models import Role
from peersupport.lib.errors import Conflict
from peersupport.notifications.models import OutboxMessage
from peersupport.notifications.testing import DatabaseThreads
from peersupport.recruitment.links import nomination_token, read_nomination_link
from peersupport.recruitment.models import Campaign, Candidate, CandidateState, Nomination
from peersupport.recruitment.pipeline import candidate_invite
from peersupport.recruitment.services import NomineeInput, campaign_send, campaign_send_all, nominate
from peersupport.recruitment.tests.factories import make_campaign, make_candidate
from peersupport.support.links import LinkRefused
from peersupport.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def outcome(call):
    try:
        call()
    except (LinkRefused, Conflict) as refused:
        return type(refused).__name__
    return "done"


def test_the_same_link_sent_twice_at_once_nominates_once(tmp_path):
    staff = make_user(Role.ADMINISTRATOR)
    me, ana = make_person(), make_person()
    campaign = make_campaign(staff)
    campaign_send(actor=staff, campaign_id=campaign.pk)
    campaign_send_all(campaign.pk)
    link = read_nomination_link(nomination_token(campaign_id=campaign.pk, person_id=me.pk))
    threads = DatabaseThreads(tmp_path)
    sends = [threads.start(lambda: outcome(lambda: nominate(link=link, nominees=[NomineeInput(ana.pk, ("calm",))])))
             for _ in range(2)]
    threads.collect()
    assert sorted(f.result() for f in sends) == ["LinkRefused", "done"]
    assert Nomination.objects.count() == 1
    assert Candidate.objects.get().nominator_count == 1


def test_two_workers_sending_one_campaign_invite_everyone_once(tmp_path):
    staff = make_user(Role.ADMINISTRATOR)
    for _ in range(30):
        make_person()
    campaign = make_campaign(staff)
    campaign_send(actor=staff, campaign_id=campaign.pk)
    threads = DatabaseThreads(tmp_path)
    from peersupport.recruitment import services

    workers = [threads.start(lambda: services.campaign_send_all(campaign.pk)) for _ in range(2)]
    threads.collect()
    assert sum(w.result() for w in workers) >= 30
    assert OutboxMessage.objects.count() == 30
    assert OutboxMessage.objects.values("to").distinct().count() == 30
    assert Campaign.objects.get(pk=campaign.pk).invited_count == 30


def test_two_directors_inviting_the_same_candidate_at_once_send_one_invitation(tmp_path):
    director = make_user(Role.DIRECTOR)
    candidate = make_candidate(make_person())
    threads = DatabaseThreads(tmp_path)
    moves = [threads.start(lambda: outcome(lambda: candidate_invite(actor=director, candidate_id=candidate.pk)))
             for _ in range(2)]
    threads.collect()
    assert sorted(m.result() for m in moves) == ["Conflict", "done"]
    assert OutboxMessage.objects.filter(kind="candidate_invitation").count() == 1
    assert Candidate.objects.get().state == CandidateState.INVITED
