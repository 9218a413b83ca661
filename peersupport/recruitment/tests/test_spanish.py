"""The recruiting pages and the nominee's invitation read in Spanish."""

import pytest
from django.utils import translation

from peersupport.accounts.models import Role
from peersupport.notifications.models import OutboxMessage
from peersupport.recruitment.pipeline import candidate_invite
from peersupport.recruitment.services import campaign_send, campaign_send_all
from peersupport.recruitment.tests.factories import make_campaign, make_candidate
from peersupport.recruitment.tests.helpers import nomination_path
from peersupport.testing.factories import make_person, make_user
from peersupport.testing.i18n import reads_spanish, spanish_catalogs, speaks_spanish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogs():
    spanish_catalogs()


def test_the_what_supporters_do_page_reads_in_spanish(client):
    reads_spanish(client)
    with translation.override("es"):
        page = client.get("/support/what-supporters-do/").content.decode()
    assert "Qué hacen los compañeros/as de apoyo" in page
    assert "What peer supporters do" not in page


def test_a_nominator_reads_the_nomination_page_and_its_errors_in_spanish(client):
    staff = make_user(Role.ADMINISTRATOR)
    make_person(name="Ana Alder", email="ana@example.org")
    campaign = make_campaign(staff, name="Cardiology spring")
    campaign_send(actor=staff, campaign_id=campaign.pk)
    campaign_send_all(campaign.pk)
    path = nomination_path("ana@example.org")
    reads_spanish(client)
    with translation.override("es"):
        page = client.get(path).content.decode()
        refused = client.post(path, {}).content.decode()
    assert "¿Con quién querría hablar después de un día difícil?" in page
    assert "Elija al menos a un colega" in refused


def test_the_nominee_invitation_is_in_their_language_not_the_directors(monkeypatch):
    director = make_user(Role.DIRECTOR)
    ana = make_candidate(make_person(name="Ana Alder", email="ana@example.org"))
    ben = make_candidate(make_person(name="Ben Birch", email="ben@example.org"))
    speaks_spanish(ana.person, monkeypatch)
    with translation.override("es"):
        candidate_invite(actor=director, candidate_id=ben.pk)
    candidate_invite(actor=director, candidate_id=ana.pk)
    to_ana = OutboxMessage.objects.get(to="ana@example.org")
    to_ben = OutboxMessage.objects.get(to="ben@example.org")
    assert to_ana.subject == "Una invitación a unirse al equipo de apoyo entre pares"
    assert "Hola, Ana:" in to_ana.body and "Decir que no está bien" in to_ana.body
    # Ben has no language of his own: the program's, whatever the director's page was in.
    assert to_ben.subject == "An invitation to join the peer support team"
    assert "Dear Ben," in to_ben.body
