"""Each program recruits its own supporters: its campaigns reach its own people, nominations name
its own people, and its staff see only its campaigns and candidates."""

import pytest
from django.test import Client
from django.urls import reverse

from peersupport.lib.errors import InvalidInput
from peersupport.recruitment.links import nomination_token, read_nomination_link
from peersupport.recruitment.models import CandidateState, Invitation, Nomination
from peersupport.recruitment.services import NomineeInput, campaign_send, campaign_send_all, nominate
from peersupport.recruitment.tests.factories import make_campaign, make_candidate
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db


def test_a_campaign_reaches_its_own_programs_people_only(director, second_program):
    ours = make_person(name="Riley Riverside")
    theirs = make_person(name="Noor Northside", site="Northside")
    campaign = make_campaign(director)
    campaign_send(actor=director, campaign_id=campaign.pk)
    campaign_send_all(campaign.pk)
    invited = set(Invitation.objects.values_list("person", flat=True))
    assert ours.pk in invited and theirs.pk not in invited


def test_a_nomination_of_someone_of_another_program_is_refused(director, second_program):
    nominator = make_person(name="Riley Riverside")
    elsewhere = make_person(name="Noor Northside", site="Northside")
    campaign = make_campaign(director)
    campaign_send(actor=director, campaign_id=campaign.pk)
    campaign_send_all(campaign.pk)
    link = read_nomination_link(nomination_token(campaign_id=campaign.pk, person_id=nominator.pk))
    with pytest.raises(InvalidInput, match="another hospital"):
        nominate(link=link, nominees=[NomineeInput(elsewhere.pk, ("calm",))])
    assert not Nomination.objects.exists()


def test_the_nomination_lookup_finds_only_the_campaigns_own_people(client: Client, director, second_program):
    nominator = make_person(name="Riley Riverside")
    make_person(name="Norah Northside", site="Northside")
    make_person(name="Nora Riverside")
    campaign = make_campaign(director)
    campaign_send(actor=director, campaign_id=campaign.pk)
    token = nomination_token(campaign_id=campaign.pk, person_id=nominator.pk)
    page = client.get(reverse("recruit-nominate-lookup", args=[token]), {"q": "Nor"}).content.decode()
    assert "Nora Riverside" in page and "Norah Northside" not in page


def test_staff_of_another_program_see_none_of_its_campaigns_or_candidates(client: Client, director,
                                                                          director_of_second_program):
    campaign = make_campaign(director, name="Riverside spring call")
    candidate = make_candidate(make_person(name="Casey Candidate"))
    client.force_login(director_of_second_program)
    assert "Riverside spring call" not in client.get(reverse("recruit-campaigns")).content.decode()
    assert "Casey Candidate" not in client.get(reverse("recruit-candidates")).content.decode()
    assert client.get(reverse("recruit-campaign", args=[campaign.pk])).status_code == 404
    assert client.post(reverse("recruit-candidate-move", args=[candidate.pk]), {"step": "invite"}).status_code == 404
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.NOMINATED
    client.force_login(director)
    assert "Casey Candidate" in client.get(reverse("recruit-candidates")).content.decode()
