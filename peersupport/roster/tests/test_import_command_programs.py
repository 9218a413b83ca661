"""`manage.py import_roster` in a health system of several programs: a file is one program's
(`--program`), as a director's web import is, unless the operator says it holds every program's."""

import pytest

from peersupport.audit.models import AuditEntry
from peersupport.program.models import Program
from peersupport.roster.models import Person
from peersupport.roster.tests.test_import import HEADERS, csv_bytes, person_row
from peersupport.roster.tests.test_import_command import run
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def northside_file(tmp_path):
    path = tmp_path / "northside.csv"
    path.write_bytes(csv_bytes([person_row(1) + ["Northside"], person_row(2) + ["Northside"]],
                               headers=[*HEADERS, "Site"]))
    return path


def test_with_several_programs_and_no_program_the_command_refuses_naming_them(second_program, northside_file):
    default = Program.default().short_name
    code, out = run(str(northside_file), "--deactivate-missing")
    assert code == 2
    assert f"several programs ({default}, northside)" in out and "--program" in out
    assert not Person.objects.exists()


def test_an_unknown_program_is_refused_naming_the_programs(second_program, northside_file):
    code, out = run(str(northside_file), "--program", "southside")
    assert code == 2 and "Unknown program 'southside'" in out and "northside" in out
    assert not Person.objects.exists()


def test_deactivating_the_missing_touches_only_the_named_programs_people(second_program, northside_file):
    riverside = make_person(employee_id="R0001", name="Rita Riverside")
    gone = make_person(employee_id="N0009", name="Nora Gone", site="Northside")
    code, out = run(str(northside_file), "--program", "northside", "--deactivate-missing")
    assert code == 0, out
    assert "Program: northside" in out and "Did add 2, change 0, leave 0 unchanged, deactivate 1." in out
    assert Person.objects.get(pk=riverside.pk).active
    assert not Person.objects.get(pk=gone.pk).active
    assert set(Person.objects.filter(employee_id__startswith="H").values_list("program_id", flat=True)) == {
        second_program.pk}
    assert AuditEntry.objects.get(action="roster.import").detail["program_id"] == second_program.pk


def test_a_row_of_another_programs_site_or_person_is_a_problem_and_nothing_changes(second_program, tmp_path):
    make_person(employee_id="H00003", name="Mia Main")  # the default program's
    path = tmp_path / "northside.csv"
    path.write_bytes(csv_bytes([person_row(1) + ["Northside"], person_row(2) + ["Main Campus"],
                                person_row(3) + ["Northside"]], headers=[*HEADERS, "Site"]))
    code, out = run(str(path), "--program", "northside")
    assert code == 1
    assert "Row 3, column 'Site': The site Main Campus belongs to another program" in out
    assert "Row 4, column 'Employee ID': H00003 is on another program's roster" in out
    assert list(Person.objects.values_list("employee_id", flat=True)) == ["H00003"]


def test_all_programs_imports_every_programs_people_and_deactivates_across_them(second_program, tmp_path):
    gone = make_person(employee_id="N0009", name="Nora Gone", site="Northside")
    path = tmp_path / "system.csv"
    path.write_bytes(csv_bytes([person_row(1) + ["Northside"], person_row(2) + ["Main Campus"]],
                               headers=[*HEADERS, "Site"]))
    code, out = run(str(path), "--all-programs", "--deactivate-missing")
    assert code == 0, out
    assert dict(Person.objects.values_list("employee_id", "active")) == {
        "H00001": True, "H00002": True, "N0009": False}
    assert Person.objects.get(employee_id="H00001").program_id == second_program.pk
    assert not Person.objects.get(pk=gone.pk).active


def test_one_program_needs_no_program_and_accepts_its_own(db, northside_file):
    code, out = run(str(northside_file), "--dry-run")
    assert code == 0 and "Would add 2" in out
    code, out = run(str(northside_file), "--program", Program.default().short_name)
    assert code == 0 and "Did add 2" in out
