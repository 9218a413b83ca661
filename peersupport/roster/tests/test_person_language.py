"""A person's language on the roster: the edit form and the import's language column."""

import pytest
from django.urls import reverse

from peersupport.roster.imports import read_table
from peersupport.roster.models import Person
from peersupport.roster.services_import import import_apply, plan_import
from peersupport.roster.tests.test_import import csv_bytes
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db
HEADERS = ["Employee ID", "Full Name", "Preferred Language"]
COLUMNS = {"employee_id": "Employee ID", "name": "Full Name", "language": "Preferred Language"}


def test_the_edit_form_shows_and_saves_the_language(client, director):
    person = make_person(employee_id="E5100", name="Lucía Ortega")
    client.force_login(director)
    url = reverse("person-edit", args=["E5100"])
    assert 'name="language"' in client.get(url).content.decode()
    client.post(url, {"name": "Lucía Ortega", "role_type": "physician", "rank": "3", "active": "on", "language": "es"})
    assert Person.objects.get(pk=person.pk).language == "es"
    refused = client.post(url, {"name": "Lucía Ortega", "role_type": "physician", "rank": "3", "active": "on",
                                "language": "xx"})
    assert refused.status_code == 422 and Person.objects.get(pk=person.pk).language == "es"


def test_the_import_reads_the_language_column_and_a_blank_cell_keeps_what_is_stored():
    make_person(employee_id="H2", name="Kept Spanish", language="es")
    rows = [["H1", "Nueva Persona", "Spanish"], ["H2", "Kept Spanish", ""], ["H3", "English Person", "en"]]
    import_apply(read_table(csv_bytes(rows, headers=HEADERS), "hr.csv"), COLUMNS, actor=None,
                 deactivate_missing=False, source="test")
    assert dict(Person.objects.filter(employee_id__in=["H1", "H2", "H3"]).values_list("employee_id", "language")) \
        == {"H1": "es", "H2": "es", "H3": "en"}


def test_an_unknown_language_in_the_file_names_its_row_and_what_to_write():
    plan = plan_import(read_table(csv_bytes([["H1", "Someone", "Klingon"]], headers=HEADERS), "hr.csv"), COLUMNS)
    [problem] = plan.problems
    assert problem.row == 2 and problem.column == "Preferred Language"
    assert "Unknown language “Klingon”" in problem.message and "es (Spanish)" in problem.message
