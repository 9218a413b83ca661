"""The publicity kit in Spanish: the poster a Spanish-speaking clinician reads, and the staff's page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from peersupport.publicity.models import PublicityPlace
from peersupport.testing.i18n import reads_spanish, spanish_catalogs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogs():
    spanish_catalogs()


def test_the_poster_prints_in_spanish(client, director):
    client.force_login(director)
    reads_spanish(client, director)
    with translation.override("es"):
        page = client.get(reverse("publicity-poster")).content.decode()
    assert "No tiene que cargarlo a solas." in page
    assert "carry it alone" not in page


def test_the_checklist_ticks_a_place_off_in_spanish(client, director):
    client.force_login(director)
    place = PublicityPlace.objects.get_or_create(name="Grand rounds")[0]
    day = timezone.localdate() - timedelta(days=1)
    reads_spanish(client, director)
    with translation.override("es"):
        response = client.post(reverse("publicity-date-new", args=[place.pk]), {"done_on": day.isoformat()},
                               follow=True)
    page = response.content.decode()
    assert "Lugares donde darlo a conocer" in page
    assert f"Sesiones clínicas generales: marcado el {day.day} de " in page
