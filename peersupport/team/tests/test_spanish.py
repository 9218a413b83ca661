"""A supporter's participation page and the director's rota read in Spanish."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from peersupport.accounts.models import User
from peersupport.testing.i18n import reads_spanish, spanish_catalogs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogs():
    spanish_catalogs()


def test_a_supporter_pauses_in_spanish_and_reads_the_date_as_spanish_writes_it(client, supporter_a):
    client.force_login(User.objects.get(person=supporter_a.person))
    until = timezone.localdate() + timedelta(days=3)
    reads_spanish(client, User.objects.get(person=supporter_a.person))
    with translation.override("es"):
        before = client.get("/my/team/").content.decode()
        client.post("/my/team/pause/", {"until": until.isoformat(), "reason": "leave"})
        after = client.get("/my/team/").content.decode()
    assert "Mi participación" in before and "Ponerme en pausa" in before
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
              "noviembre", "diciembre"]
    assert f"Está en pausa hasta el {until.day} de {months[until.month - 1]} de {until.year}" in after


def test_the_rota_reads_in_spanish(client, director):
    client.force_login(director)
    reads_spanish(client, director)
    with translation.override("es"):
        page = client.get("/team/on-call/").content.decode()
    assert "Calendario de guardias" in page and "On-call rota" not in page
