"""The meeting invitation, its answer page and the staff's meeting pages read in Spanish."""

import re
from datetime import datetime
from urllib.parse import urlparse

import pytest
from django.utils import timezone, translation

from peersupport.meetings.services import meeting_schedule
from peersupport.meetings.tests.helpers import meeting_input
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.i18n import reads_spanish, spanish_catalogs, speaks_spanish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogs():
    spanish_catalogs()


def test_a_spanish_speaking_supporter_is_invited_in_spanish_and_the_others_in_english(
        director, supporter_a, supporter_b, monkeypatch, client):
    speaks_spanish(supporter_a.person, monkeypatch)
    year = timezone.localdate().year + 1
    starts = timezone.make_aware(datetime(year, 3, 1, 18, 0))
    meeting_schedule(actor=director, data=meeting_input(starts_at=starts))
    spanish = OutboxMessage.objects.get(kind="meeting_invitation", to=supporter_a.person.email)
    english = OutboxMessage.objects.get(kind="meeting_invitation", to=supporter_b.person.email)
    assert spanish.subject == "Está invitado/a: Quarterly supporter meeting"
    assert "Hola, Alex:" in spanish.body
    assert f"1 de marzo de {year}, de 18:00 a 20:00" in spanish.body
    assert english.subject == "You're invited: Quarterly supporter meeting"
    assert f"March 1, {year}, 18:00 to 20:00" in english.body
    # The answer page behind the link, read in Spanish.
    link = re.search(r"https?://\S+/meetings/rsvp/\S+/", spanish.body)
    assert link is not None
    reads_spanish(client)
    with translation.override("es"):
        page = client.get(urlparse(link.group(0)).path).content.decode()
    assert "¿Vendrá?" in page and "Sí, allí estaré" in page
    assert f"1 de marzo de {year}, 18:00 a 20:00" in page


def test_the_meetings_page_reads_in_spanish(director, client):
    client.force_login(director)
    reads_spanish(client, director)
    with translation.override("es"):
        page = client.get("/meetings/").content.decode()
    assert "Reuniones de compañeros/as de apoyo" in page
    assert "Supporter meetings" not in page
