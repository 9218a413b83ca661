"""`manage.py import_roster FILE`: what a scheduled sync from a file drop runs."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from peersupport.audit.models import AuditEntry
from peersupport.roster.models import Person
from peersupport.roster.services_import import mapping_for, mapping_remember
from peersupport.roster.tests.test_import import COLUMNS, HEADERS, csv_bytes, person_row, xlsx_bytes
from peersupport.testing.factories import make_person


def run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("import_roster", *args, "--no-progress", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


@pytest.fixture
def hr_file(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes([person_row(1, supervisor="H00002"), person_row(2)]))
    return path


def test_the_command_imports_a_csv_with_guessed_columns(db, hr_file):
    code, out = run(str(hr_file))
    assert code == 0, out
    assert "employee_id <- 'Employee ID'" in out and "Did add 2, change 0" in out
    assert Person.objects.get(employee_id="H00001").supervisor.employee_id == "H00002"
    assert AuditEntry.objects.get(action="roster.import").detail["source"] == "command: hr.csv"


def test_a_dry_run_reports_and_changes_nothing(db, hr_file):
    make_person(employee_id="GONE1", name="Left The Hospital")
    code, out = run(str(hr_file), "--dry-run", "--deactivate-missing")
    assert code == 0
    assert "Would add 2, change 0, leave 0 unchanged, deactivate 1." in out and "nothing was changed" in out
    assert list(Person.objects.values_list("employee_id", "active")) == [("GONE1", True)]


def test_problems_are_listed_by_row_and_column_and_exit_1(db, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes([person_row(1), person_row(2, email="nope"), person_row(3, supervisor="X9")]))
    code, out = run(str(path))
    assert code == 1
    assert "Row 3, column 'Work Email': 'nope' is not an email address." in out
    assert "Row 4, column 'Manager ID': Unknown supervisor employee id X9" in out
    assert "2 problem(s) in the file; nothing was changed." in out
    assert not Person.objects.exists()


def test_a_saved_mapping_by_name_and_the_deactivation_of_people_missing(db, tmp_path):
    make_person(employee_id="GONE1", name="Left The Hospital")
    headers = ["Badge", "Who", "Mail"]
    path = tmp_path / "export.xlsx"
    path.write_bytes(xlsx_bytes([["A1", "Ada Lovelace", "ada@example.org"]], headers=headers))
    code, out = run(str(path))
    assert code == 2 and "employee id" in out  # nothing to guess the employee id from
    mapping_remember(name="Badge system", columns={"employee_id": "Badge", "name": "Who", "email": "Mail"})
    code, out = run(str(path), "--mapping", "Badge system", "--deactivate-missing")
    assert code == 0, out
    assert dict(Person.objects.values_list("employee_id", "active")) == {"A1": True, "GONE1": False}


def test_columns_given_on_the_command_line_and_saved(db, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes([["7", "Grace Hopper"]], headers=["Number", "Person"]))
    code, out = run(str(path), "--column", "employee_id=Number", "--column", "name=Person",
                    "--save-mapping", "Payroll")
    assert code == 0, out
    code, _ = run(str(path), "--mapping", "Payroll")
    assert code == 0
    assert Person.objects.get(employee_id="7").name == "Grace Hopper"


@pytest.mark.parametrize(("args", "says"), [
    (["/no/such/file.csv"], "Cannot read"),
    (["--mapping", "Nope"], "No saved mapping"),
    (["--column", "shoe_size=Level"], "use FIELD=HEADING"),
])
def test_a_file_or_mapping_that_cannot_be_used_exits_2(db, hr_file, args, says):
    if not args[0].startswith("/"):
        args = [str(hr_file), *args]
    code, out = run(*args)
    assert code == 2 and says in out
    assert not Person.objects.exists()


def test_a_mapping_named_on_the_command_line_is_the_saved_one_and_offered_next(db, hr_file):
    mapping_remember(name="Workday", columns=COLUMNS)
    mapping_remember(name="Other", columns={"employee_id": "Employee ID", "name": "Full Name"})
    code, out = run(str(hr_file), "--mapping", "Workday")
    assert code == 0 and "rank <- 'Level'" in out
    assert mapping_for(HEADERS)[0] == "Workday"  # used last: the web offers it for the next file


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_shows_on_a_terminal_and_not_in_a_log(db, hr_file, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    call_command("import_roster", str(hr_file), "--dry-run", stdout=StringIO())
    assert "2/2" in terminal.getvalue() and "Checked" in terminal.getvalue()
    log = StringIO()  # not a terminal: cron's log gets no bar
    monkeypatch.setattr("sys.stderr", log)
    call_command("import_roster", str(hr_file), "--dry-run", stdout=StringIO())
    assert log.getvalue() == ""
