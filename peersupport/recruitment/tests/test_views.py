"""The recruiting pages over HTTP: staff campaigns and pipeline, the public pages and links."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.notifications.models import OutboxMessage
from peersupport.recruitment.models import Campaign, CampaignStatus, Candidate, CandidateState, Nomination
from peersupport.recruitment.services import campaign_send, campaign_send_all
from peersupport.recruitment.tests.factories import make_campaign, make_candidate, recruit_campaign_body
from peersupport.recruitment.tests.helpers import answer_path, nomination_path
from peersupport.testing.factories import make_person, make_supporter, make_user
from peersupport.training.models import Attendance, CourseKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(Role.ADMINISTRATOR))
    return client


@pytest.fixture
def sent_campaign():
    staff = make_user(Role.ADMINISTRATOR)
    people = [make_person(name=name, department="Cardiology", email=f"{name.split()[0].lower()}@example.org")
              for name in ("Ana Alder", "Ben Birch", "Cy Cedar")]
    campaign = make_campaign(staff, name="Cardiology spring")
    campaign_send(actor=staff, campaign_id=campaign.pk)
    campaign_send_all(campaign.pk)
    return campaign, people


def test_the_what_supporters_do_page_is_public_and_says_what_the_role_asks(client):
    page = client.get("/support/what-supporters-do/").content.decode()
    for words in ("listen", "not therapy", "not an evaluation", "one limit", "2 to 4 hours a month",
                  "each quarter", "Initial training"):
        assert words in page
    assert "/support/what-supporters-do/" in client.get("/support/").content.decode()


def test_the_administrator_drafts_previews_and_sends_a_campaign_to_a_department(admin_client):
    make_person(name="Ana Alder", department="Cardiology")
    make_person(name="Ben Birch", department="Cardiology")
    make_person(department="Surgery")
    body = recruit_campaign_body(name="Cardiology", audience_kind="chosen", departments=["Cardiology"])
    response = admin_client.post("/recruiting/new/", body, follow=True)
    campaign = Campaign.objects.get()
    page = response.content.decode()
    assert re.search(r"reaches <strong>2</strong>\s+people", page)
    assert "Dear Ana," in page and "/nominate/your-own-link/" in page  # the preview, as Ana reads it
    admin_client.post(f"/recruiting/{campaign.pk}/send/")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING
    # The page polls its progress while sending, also after a reload.
    page = admin_client.get(f"/recruiting/{campaign.pk}/").content.decode()
    assert f'hx-get="/recruiting/{campaign.pk}/progress/"' in page and 'hx-trigger="every 2s"' in page
    campaign_send_all(campaign.pk)
    fragment = admin_client.get(f"/recruiting/{campaign.pk}/progress/").content.decode()
    assert "2 of 2 invitations" in fragment and "hx-trigger" not in fragment
    assert OutboxMessage.objects.filter(kind="nomination_invitation").count() == 2


def test_an_invitation_without_the_link_placeholder_is_refused_with_a_clear_message(admin_client):
    response = admin_client.post("/recruiting/new/", recruit_campaign_body(body="Please nominate someone."))
    assert response.status_code == 422
    assert "{link}" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_sent_campaign_cannot_be_edited_and_a_second_send_sends_nothing(admin_client, sent_campaign):
    campaign, _ = sent_campaign
    response = admin_client.get(f"/recruiting/{campaign.pk}/edit/", follow=True)
    assert "can no longer be changed" in response.content.decode()
    before = OutboxMessage.objects.count()
    response = admin_client.post(f"/recruiting/{campaign.pk}/send/", follow=True)
    assert "already sent" in response.content.decode()
    assert OutboxMessage.objects.count() == before


def test_campaign_figures_count_invited_nominators_nominations_and_self_nominations(admin_client, sent_campaign):
    campaign, (ana, ben, cy) = sent_campaign
    admin_client_page = admin_client  # the staff page, the nominations below come through the links
    from django.test import Client

    Client().post(nomination_path(ana.email), {"nominee": [ana.pk, ben.pk], f"reasons-{ana.pk}": "calm",
                                               f"reasons-{ben.pk}": "listener"})
    Client().post(nomination_path(ben.email), {"nominee": [ana.pk], f"reasons-{ana.pk}": "trusted"})
    page = admin_client_page.get(f"/recruiting/{campaign.pk}/").content.decode()
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page))
    assert figures == {"Invited": "3", "Colleagues who nominated": "2", "Nominations received": "3",
                       "Self-nominations": "1"}
    assert "Cardiology spring" in admin_client_page.get("/recruiting/").content.decode()


def test_the_nomination_page_names_the_campaign_and_takes_nominations_once(client, sent_campaign):
    campaign, (ana, ben, _) = sent_campaign
    path = nomination_path(ana.email)
    page = client.get(path).content.decode()
    assert "Cardiology spring" in page and "Nominate myself" in page
    response = client.post(path, {"nominee": [ben.pk], f"reasons-{ben.pk}": ["calm", "discreet"]}, follow=True)
    assert "your nominations have arrived" in response.content.decode()
    assert Nomination.objects.get().reasons == ["calm", "discreet"]
    again = client.post(path, {"nominee": [ben.pk], f"reasons-{ben.pk}": "calm"})
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert Nomination.objects.count() == 1


def test_bad_nominations_get_a_clear_message_and_keep_the_link_working(client, sent_campaign):
    _, (ana, ben, _) = sent_campaign
    path = nomination_path(ana.email)
    for body, message in (
        ({}, "Choose at least one colleague"),
        ({"nominee": [ben.pk]}, "at least one reason"),
        ({"nominee": [ben.pk], f"reasons-{ben.pk}": "a lovely person"}, "from the list"),
        ({"nominee": ["abc"]}, "from the list"),
        ({"nominee": ["²"], "reasons-²": "calm"}, "from the list"),
        ({"nominee": [999999], "reasons-999999": "calm"}, "not on the staff roster"),
    ):
        response = client.post(path, body)
        assert response.status_code == 422, body
        assert message in response.content.decode(), body
    # The card of a colleague chosen is shown again with what was ticked.
    response = client.post(path, {"nominee": [ben.pk]})
    assert f'data-testid="nominee" data-person="{ben.pk}"' in response.content.decode()
    assert client.post(path, {"nominee": [ben.pk], f"reasons-{ben.pk}": "calm"}).status_code == 302


def test_the_type_ahead_lists_active_people_and_never_who_is_a_supporter(client, sent_campaign):
    _, (ana, *_) = sent_campaign
    make_supporter(make_person(name="Dana Dogwood", department="Surgery"))
    make_person(name="Dale Dogwood", department="Surgery", active=False)
    path = nomination_path(ana.email)
    results = client.get(path + "lookup/?q=dogw", HTTP_HX_REQUEST="true").content.decode()
    assert "Dana Dogwood" in results and "Dale Dogwood" not in results
    assert "upporter" not in results and "@" not in results
    chip = client.get(path + f"chip/?person={ana.pk}").content.decode()
    assert "(you)" in chip and f'name="reasons-{ana.pk}"' in chip
    assert "Ana Alder" not in client.get(path + f"chip/?person={ana.pk}&nominee={ana.pk}").content.decode()
    assert client.get(path + "chip/?person=²").status_code == 200


@pytest.mark.parametrize("suffix", ["", "lookup/?q=an", "chip/?self=1"])
def test_tampered_nomination_links_give_a_kind_page(client, sent_campaign, suffix):
    _, (ana, *_) = sent_campaign
    path = nomination_path(ana.email)
    response = client.get(path[:-6] + "XXXXX/" + suffix)
    assert response.status_code == 410 and "not complete" in response.content.decode()


def test_an_expired_nomination_link_gives_a_kind_page(client, sent_campaign):
    _, (ana, *_) = sent_campaign
    path = nomination_path(ana.email)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = client.get(path)
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_the_nominee_says_yes_through_their_link_and_becomes_a_supporter_in_training(client):
    director = make_user(Role.DIRECTOR)
    person = make_person(email="robin@example.org")
    candidate = make_candidate(person)
    client.force_login(director)
    client.post(f"/recruiting/candidates/{candidate.pk}/move/", {"step": "invite"})
    client.logout()
    path = answer_path("robin@example.org")
    assert "Would you like to join" in client.get(path).content.decode()
    assert client.post(path, {"answer": "maybe"}).status_code == 422
    response = client.post(path, {"answer": "accept"}, follow=True)
    assert "Welcome to the team" in response.content.decode()
    assert person.supporter.status == "in_training"
    assert client.post(path, {"answer": "decline"}).status_code == 410


def test_the_administrator_sees_the_pipeline_but_only_the_director_moves_candidates(client):
    candidate = make_candidate(make_person(name="Robin Nominee"), nominator_count=2)
    client.force_login(make_user(Role.ADMINISTRATOR))
    page = client.get("/recruiting/candidates/").content.decode()
    assert "Robin Nominee" in page and "Invite</button>" not in page
    assert client.post(f"/recruiting/candidates/{candidate.pk}/move/", {"step": "invite"}).status_code == 403
    client.force_login(make_user(Role.DIRECTOR))
    assert "Invite</button>" in client.get("/recruiting/candidates/").content.decode()
    response = client.post(f"/recruiting/candidates/{candidate.pk}/move/", {"step": "invite", "state": "nominated"})
    assert response.status_code == 302 and response["Location"].endswith("?state=nominated")
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.INVITED


def test_a_refused_move_says_why_and_changes_nothing(client):
    candidate = make_candidate(make_person(name="Robin Nominee"))
    client.force_login(make_user(Role.DIRECTOR))
    page = client.post(f"/recruiting/candidates/{candidate.pk}/move/", {"step": "active"}, follow=True)
    assert "nominated now" in page.content.decode()
    page = client.post(f"/recruiting/candidates/{candidate.pk}/move/", {"step": "fly"}, follow=True)
    assert "Choose a step" in page.content.decode()
    assert client.post("/recruiting/candidates/99999/move/", {"step": "invite"}).status_code == 404
    assert Candidate.objects.get().state == CandidateState.NOMINATED


def test_other_roles_cannot_open_the_campaigns(client):
    client.force_login(make_user(Role.SUPPORTER))
    assert client.get("/recruiting/").status_code == 403
    assert client.get("/recruiting/candidates/").status_code == 403


def test_the_campaign_form_says_its_name_is_shown_to_everyone_invited(admin_client, sent_campaign):
    # The nomination page shows the campaign's name, so the form must not call the name private.
    campaign, (ana, _, _) = sent_campaign
    assert campaign.name in admin_client.get(nomination_path(ana.email)).content.decode()
    form = admin_client.get("/recruiting/new/").content.decode()
    assert "program office only" not in form
    assert "sees it at the top of their nomination page" in form


def test_the_pipeline_says_when_a_nominee_counted_themself(client):
    # Naming oneself counts as one nominator; the director sees that it was the nominee's own.
    staff = make_user(Role.DIRECTOR)
    campaign = make_campaign(staff)
    robin, sam = make_person(name="Robin Self"), make_person(name="Sam Named")
    Nomination.objects.create(campaign=campaign, nominator=robin, nominee=robin, self_nomination=True)
    Nomination.objects.create(campaign=campaign, nominator=robin, nominee=sam)
    make_candidate(robin, nominator_count=1)
    make_candidate(sam, nominator_count=1)
    client.force_login(staff)
    page = client.get("/recruiting/candidates/").content.decode()
    rows = {name: row for row in page.split('data-testid="candidate-row"')[1:]
            for name in ("Robin Self", "Sam Named") if name in row}
    assert "including themself" in rows["Robin Self"]
    assert "including themself" not in rows["Sam Named"]


def test_the_pipeline_stops_asking_to_record_a_training_once_it_is_recorded(client):
    staff = make_user(Role.DIRECTOR)
    waiting, trained = make_person(name="Robin Waiting"), make_person(name="Sam Trained")
    for person in (waiting, trained):
        make_candidate(person, state=CandidateState.IN_TRAINING, nominator_count=1)
    Attendance.objects.create(person=trained, kind=CourseKind.INITIAL, trained_on=timezone.localdate(), legacy=True)
    client.force_login(staff)
    page = client.get("/recruiting/candidates/?state=in_training").content.decode()
    rows = {name: row for row in page.split('data-testid="candidate-row"')[1:]
            for name in ("Robin Waiting", "Sam Trained") if name in row}
    assert 'data-testid="record-training"' in rows["Robin Waiting"]
    assert 'data-testid="record-training"' not in rows["Sam Trained"]
    assert "Initial training recorded" in rows["Sam Trained"]
