"""The planner reads in Spanish, its choices and figures' labels included."""

import pytest
from django.urls import reverse
from django.utils import translation

from peersupport.roster.models import RoleType
from peersupport.testing.factories import make_person
from peersupport.testing.i18n import reads_spanish, spanish_catalogs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogs():
    spanish_catalogs()


def test_the_planner_reads_in_spanish(client, director):
    for _ in range(3):
        make_person(role_type=RoleType.NURSE, site="North", department="ICU")
    client.force_login(director)
    reads_spanish(client, director)
    with translation.override("es"):
        page = client.get(reverse("planner"), {"serve": "nurses", "site": "North"}).content.decode()
        refused = client.post(reverse("planner-assumptions"), {"encounters_per_case": "x"}).content.decode()
    assert "Planificar a quién atender" in page
    assert "Médicos, profesionales de práctica avanzada y enfermería en North" in page
    assert "Ampliar a enfermería" in page and "Grow to nurses" not in page
    assert "Los supuestos del planificador" in refused
