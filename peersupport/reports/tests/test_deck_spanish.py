"""The deck, the charts' text alternatives and the exports in the reader's language: a director
who reads Spanish downloads a deck in Spanish, with numbers and dates as Spanish writes them."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from peersupport.cases.models import CaseState
from peersupport.reports.models import DeckSettings
from peersupport.reports.tests.deckfile import read_deck, slide_titled
from peersupport.reports.tests.helpers import add_cases
from peersupport.testing.i18n import reads_spanish, spanish_catalogs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogs():
    spanish_catalogs()


def test_a_director_who_reads_spanish_gets_the_deck_in_spanish(client, director):
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=14, minutes=30)
    DeckSettings.objects.create(program_id=director.program_pk, program_name="Programa Riverside",
                                saving_per_clinician=22_576)
    client.force_login(director)
    reads_spanish(client, director)
    response = client.get(reverse("reports-deck-download"), {"period": "2025"})
    assert response.status_code == 200
    slides = read_deck(response.content)
    titles = [slide.title for slide in slides]
    assert "Por qué apoyar el apoyo entre pares" in slides[0].text
    for title in ("2025 de un vistazo", "Lo que nos dijeron los colegas", "Retorno de la inversión (método RISE)",
                  "El equipo y su cobertura", "Próximos pasos", "Fuentes",
                  "Después de un evento adverso, el profesional clínico también sufre"):
        assert title in titles, title
    assert not [title for title in titles if title in ("Next steps", "Sources", "What peers told us")]
    roi = slide_titled(slides, "Retorno de la inversión (método RISE)").text
    # A number as Spanish writes it: grouped with a (non-breaking) space, not an English comma.
    assert "22\xa0576" in roi and "22,576" not in roi
    assert "Supuestos" in roi


def test_the_charts_text_alternatives_read_in_spanish(client, leader):
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=14, minutes=30)
    client.force_login(leader)
    reads_spanish(client, leader)
    page = client.get(reverse("reports"), {"period": "2025-Q2"}).content.decode()
    assert "T2 2025 junto a T1 2025" in page
    assert "Tiempo hasta la asignación y el primer contacto, todos los casos" in page
    assert "(oculto)" in page and "(hidden)" not in page


def test_an_export_s_headings_read_in_the_reader_s_language(client, leader):
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=14, minutes=30)
    client.force_login(leader)
    reads_spanish(client, leader)
    response = client.get(reverse("reports-export", args=["outcomes_by_category", "csv"]), {"period": "2025-04"})
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][0].startswith("Resultados por categoría de suceso, abril 2025.")
    assert lines[1][1:3] == ["Aceptado", "Rechazado"] or lines[1][1] == "Aceptado"
    assert lines[-1][0] == "Total"
