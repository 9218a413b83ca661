"""The reports page reads in Spanish: its tables' titles, columns and the period's name; the API
and the exports keep their English."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from peersupport.cases.models import CaseState
from peersupport.reports.tests.helpers import add_cases
from peersupport.testing.i18n import reads_spanish, spanish_catalogs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogs():
    spanish_catalogs()


def test_the_reports_page_reads_in_spanish(client, leader):
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=14, minutes=30)
    client.force_login(leader)
    reads_spanish(client, leader)
    with translation.override("es"):
        page = client.get(reverse("reports"), {"period": "2025-Q2"}).content.decode()
    assert "Informes del programa" in page
    assert 'id="report-outcomes_by_category">Resultados por categoría de suceso</h2>' in page
    assert "Sin localizar" in page and "Tiempo hasta la asignación y el primer contacto" in page
    assert "T2 2025" in page and "T1 2025" in page
    assert "abril 2025" in page  # the month by month table names the months in Spanish


def test_a_month_is_named_in_the_readers_language(client, leader):
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=14, minutes=30)
    client.force_login(leader)
    reads_spanish(client, leader)
    with translation.override("es"):
        page = client.get(reverse("reports"), {"period": "2025-04"}).content.decode()
    assert "Informes del programa" in page
    assert "para abril 2025 junto a marzo 2025" in page
