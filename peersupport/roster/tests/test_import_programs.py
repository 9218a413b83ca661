"""A program's roster import: its rows may name that program's people and sites only, deactivating
the people missing from the file touches only that program's, and another program's import is
not found."""

import pytest
from django.urls import reverse

from peersupport.roster.imports import read_table
from peersupport.roster.models import Person, RosterImport
from peersupport.roster.services_import import ImportRefused, import_apply, plan_import, roster_import_upload
from peersupport.roster.tests.test_import import COLUMNS, HEADERS, csv_bytes, person_row
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db

SITE_COLUMNS = {**COLUMNS, "site": "Site"}


def table(rows):
    return read_table(csv_bytes(rows, headers=[*HEADERS, "Site"]), "hr.csv")


def test_rows_naming_another_programs_person_or_site_are_problems_and_nothing_changes(second_program):
    make_person(employee_id="H00001", name="Mia Main", site="Main Campus")
    rows = [person_row(1) + ["Northside"],  # another program's person
            person_row(2) + ["Main Campus"],  # new, at another program's site
            person_row(3) + ["Northside"]]  # their own program's: fine
    plan = plan_import(table(rows), SITE_COLUMNS, program_id=second_program.pk)
    found = [(p.row, p.column, p.message) for p in plan.problems]
    assert [(row, column) for row, column, _ in found] == [(2, "Employee ID"), (3, "Site")]
    assert "another program's roster" in found[0][2] and "belongs to another program" in found[1][2]
    with pytest.raises(ImportRefused):
        import_apply(table(rows), SITE_COLUMNS, actor=None, deactivate_missing=False, source="test",
                     program_id=second_program.pk)
    assert Person.objects.get(employee_id="H00001").name == "Mia Main"
    assert not Person.objects.filter(employee_id__in=["H00002", "H00003"]).exists()
    # Without a program (the operator's command), the same file writes both programs' people.
    import_apply(table(rows), SITE_COLUMNS, actor=None, deactivate_missing=False, source="test")
    assert Person.objects.filter(employee_id__in=["H00001", "H00002", "H00003"]).count() == 3


def test_deactivating_the_missing_deactivates_only_the_programs_own_people(second_program):
    main = make_person(employee_id="M0001", name="Mia Main")
    gone = make_person(employee_id="N0009", name="Nora Gone", site="Northside")
    import_apply(table([person_row(1) + ["Northside"]]), SITE_COLUMNS, actor=None, deactivate_missing=True,
                 source="test", program_id=second_program.pk)
    assert Person.objects.get(pk=main.pk).active
    assert not Person.objects.get(pk=gone.pk).active


def test_another_programs_import_is_not_found_or_listed(client, director, director_of_second_program):
    found = roster_import_upload(actor=director, filename="hr.csv", content=csv_bytes([person_row(1)]))
    assert found.program_id == director.program_id
    client.force_login(director_of_second_program)
    assert client.get(reverse("roster-import", args=[found.pk])).status_code == 404
    assert "hr.csv" not in client.get(reverse("roster-import-new")).content.decode()
    assert client.post(reverse("roster-import-start", args=[found.pk])).status_code == 404
    client.force_login(director)
    assert client.get(reverse("roster-import", args=[found.pk])).status_code == 200
    assert "hr.csv" in client.get(reverse("roster-import-new")).content.decode()
    assert RosterImport.objects.count() == 1
