"""Roster import from an HR file: reading, the mapping, each row's problems, all or nothing."""

import csv
import io
from unittest import mock

import pytest
from django.db import DatabaseError
from openpyxl import Workbook

from peersupport.audit.models import AuditEntry
from peersupport.lib.errors import InvalidInput
from peersupport.roster.imports import _checked_headers, check_columns, guess_columns, read_table
from peersupport.roster.models import ImportMapping, Person
from peersupport.roster.services_import import (
    ImportRefused,
    import_apply,
    mapping_for,
    mapping_remember,
    plan_import,
)
from peersupport.testing.factories import make_person

HEADERS = ["Employee ID", "Full Name", "Work Email", "Job Role", "Department", "Level", "Manager ID", "Status"]
COLUMNS = {"employee_id": "Employee ID", "name": "Full Name", "email": "Work Email", "role_type": "Job Role",
           "department": "Department", "rank": "Level", "supervisor_employee_id": "Manager ID", "active": "Status"}


def csv_bytes(rows, headers=HEADERS, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def person_row(i: int, supervisor: str = "", **changes) -> list:
    row = {"id": f"H{i:05d}", "name": f"Hospital Person {i}", "email": f"h{i}@example.org", "role": "Physician",
           "department": "Medicine", "rank": "3", "supervisor": supervisor, "status": "Active"}
    row.update(changes)
    return list(row.values())


def apply(content: bytes, filename="hr.csv", columns=COLUMNS, deactivate_missing=False):
    return import_apply(read_table(content, filename), columns, actor=None,
                        deactivate_missing=deactivate_missing, source="test")


def problems_of(content: bytes, columns=COLUMNS) -> list[tuple[int, str, str]]:
    plan = plan_import(read_table(content, "hr.csv"), columns)
    return [(p.row, p.column, p.message) for p in plan.problems]


# Reading the file -----------------------------------------------------------------------------

def test_csv_and_xlsx_read_the_same_rows_with_spreadsheet_row_numbers():
    rows = [person_row(1), person_row(2, supervisor="H00001")]
    from_csv = read_table(csv_bytes(rows), "hr.csv")
    from_xlsx = read_table(xlsx_bytes([[int(r[0][1:]) if i == 0 else c for i, c in enumerate(r)] for r in rows]),
                           "hr.xlsx")
    assert from_csv.headers == from_xlsx.headers == HEADERS
    assert [number for number, _ in from_csv.rows] == [2, 3]
    assert from_csv.rows[1][1][6] == "H00001"
    # Excel keeps an employee id typed as a number as 1.0: read as "1", not "1.0".
    assert from_xlsx.rows[0][1][0] == "1"


def test_a_semicolon_csv_from_a_european_excel_and_a_windows_encoding_are_read():
    content = csv_bytes([person_row(1, name="José Müller")], delimiter=";").decode().encode("cp1252")
    table = read_table(content, "hr.csv")
    assert table.headers == HEADERS
    assert table.rows[0][1][1] == "José Müller"


def test_blank_rows_are_skipped_but_keep_their_numbers():
    content = csv_bytes([person_row(1), ["", "", ""], person_row(2)])
    assert [number for number, _ in read_table(content, "hr.csv").rows] == [2, 4]


@pytest.mark.parametrize(("content", "filename", "says"), [
    (b"", "hr.csv", "The file is empty"),
    (b"\n\n , \n", "hr.csv", "no rows"),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "hr.xls", "Excel 97-2003"),
    (b"%PDF-1.4\x00\x01\x02", "hr.pdf", "not a CSV or Excel"),
    (b"not a zip", "hr.xlsx", "not an Excel workbook"),
    (b"PK\x03\x04broken", "hr.xlsx", "could not be opened"),
    (b"id,name,id\n1,a,2\n", "hr.csv", "appears twice"),
])
def test_a_bad_file_is_refused_with_what_to_do(content, filename, says):
    with pytest.raises(InvalidInput, match=says):
        read_table(content, filename)


def test_a_file_larger_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr("peersupport.roster.imports.MAX_FILE_BYTES", 100)
    with pytest.raises(InvalidInput, match="at most"):
        read_table(csv_bytes([person_row(i) for i in range(10)]), "hr.csv")


# The mapping ----------------------------------------------------------------------------------

def test_common_hr_headings_are_guessed():
    headers = ["Emp ID", "First Name", "Last Name", "Work Email", "Mobile", "Dept", "Location", "Reports To ID",
               "Employment Status", "Unrelated"]
    assert guess_columns(headers) == {
        "employee_id": "Emp ID", "first_name": "First Name", "last_name": "Last Name", "email": "Work Email",
        "phone": "Mobile", "department": "Dept", "site": "Location", "supervisor_employee_id": "Reports To ID",
        "active": "Employment Status"}


@pytest.mark.parametrize(("columns", "says"), [
    ({"name": "Full Name"}, "employee id"),
    ({"employee_id": "Employee ID"}, "holds the name"),
    ({"employee_id": "Employee ID", "name": "Nope"}, "no column “Nope”"),
    ({"employee_id": "Employee ID", "name": "Employee ID"}, "choose it once"),
])
def test_a_mapping_without_employee_id_or_with_unknown_columns_is_refused(columns, says):
    with pytest.raises(InvalidInput, match=says):
        check_columns(columns, HEADERS)


def test_a_mapping_is_remembered_and_the_last_one_used_is_offered(db):
    assert mapping_for(HEADERS) == ("", guess_columns(HEADERS))
    mapping_remember(name="Workday export", columns=COLUMNS)
    assert mapping_for(HEADERS) == ("Workday export", COLUMNS)
    # A file without the remembered columns gets a guess instead; a name asks for that one.
    assert mapping_for(["Emp ID", "Name"])[0] == ""
    assert mapping_for(["Emp ID", "Name"], "Workday export") == ("Workday export", COLUMNS)
    with pytest.raises(InvalidInput, match="No saved mapping"):
        mapping_for(HEADERS, "Other")
    mapping_remember(name="Workday export", columns={"employee_id": "Employee ID", "name": "Full Name"})
    assert ImportMapping.objects.count() == 1


# Each row's problems --------------------------------------------------------------------------

def test_every_kind_of_row_problem_names_its_row_and_column_and_what_to_do(db):
    rows = [
        person_row(1),
        person_row(2, id="has space"),                        # row 3: a bad employee id
        person_row(3, name=""),                               # row 4: no name
        person_row(4, email="not-an-address"),                # row 5
        person_row(5, role="Astronaut"),                      # row 6
        person_row(6, rank="9"),                              # row 7
        person_row(7, status="maybe"),                        # row 8
        person_row(8, supervisor="NOBODY"),                   # row 9: not in the file nor on the roster
        person_row(1, name="Someone Else"),                   # row 10: the id again
        person_row(9, supervisor="H00009"),                   # row 11: their own supervisor
        person_row(10, department="D" * 101),                 # row 12
    ]
    found = problems_of(csv_bytes(rows))
    assert [(row, column) for row, column, _ in found] == [
        (3, "Employee ID"), (4, "Full Name"), (5, "Work Email"), (6, "Job Role"), (7, "Level"), (8, "Status"),
        (9, "Manager ID"), (10, "Employee ID"), (11, "Manager ID"), (12, "Department")]
    messages = dict(((row, message) for row, _, message in found))
    assert "without spaces" in messages[3]
    assert "A name is required" in messages[4] and "Give the person's name" in messages[4]
    assert "'not-an-address' is not an email address. Correct the address" in messages[5]
    assert "Unknown role “Astronaut”" in messages[6]
    assert "not a rank" in messages[7] and "from 1 (trainee) to 5" in messages[7]
    assert "neither yes nor no" in messages[8]
    assert "Unknown supervisor employee id NOBODY" in messages[9]
    assert "already on row 2 of this file" in messages[10]
    assert "own supervisor" in messages[11]
    assert "at most 100 characters. Shorten" in messages[12]


def test_a_file_with_problems_changes_nothing_and_says_so(db):
    with pytest.raises(ImportRefused, match="Nothing was changed: the file has 1 problem. row 3"):
        apply(csv_bytes([person_row(1), person_row(2, email="bad")]))
    assert Person.objects.count() == 0
    assert not AuditEntry.objects.filter(action="roster.import").exists()


# The upsert -----------------------------------------------------------------------------------

def test_supervisors_named_later_in_the_file_are_set(db):
    rows = [person_row(i, supervisor=f"H{i + 1:05d}") for i in range(1, 2500)] + [person_row(2500)]
    plan, counts = apply(csv_bytes(rows))
    assert counts.added == 2500
    people = dict(Person.objects.values_list("employee_id", "supervisor__employee_id"))
    assert people["H00001"] == "H00002"
    assert people["H02499"] == "H02500"
    assert people["H02500"] is None


def test_an_update_names_the_changed_fields_and_leaves_unmapped_columns_as_stored(db):
    make_person(employee_id="H00001", name="Hospital Person 1", email="h1@example.org", phone="+1 555 0101",
                department="Medicine", rank=3, specialty="Cardiology")
    make_person(employee_id="H00002", name="Hospital Person 2", email="h2@example.org", department="Medicine")
    content = csv_bytes([person_row(1, rank="senior", department="Cardiology"), person_row(2), person_row(3)])
    plan = plan_import(read_table(content, "hr.csv"), COLUMNS)
    assert plan.summary()["added"] == 1 and plan.summary()["unchanged"] == 1
    assert plan.changed == {"H00001": ["department", "rank"]}
    apply(content)
    one = Person.objects.get(employee_id="H00001")
    assert (one.rank, one.department, one.phone, one.specialty) == (4, "Cardiology", "+1 555 0101", "Cardiology")


def test_deactivate_missing_deactivates_only_people_not_in_the_file(db):
    make_person(employee_id="H00001", name="Hospital Person 1")
    make_person(employee_id="GONE1", name="Left The Hospital")
    make_person(employee_id="GONE2", name="Already Inactive", active=False)
    content = csv_bytes([person_row(1), person_row(2)])
    _, counts = apply(content)
    assert counts.deactivated == 0 and Person.objects.get(employee_id="GONE1").active
    plan, counts = apply(content, deactivate_missing=True)
    assert counts.deactivated == 1 and plan.summary()["deactivated_sample"] == ["GONE1"]
    assert dict(Person.objects.values_list("employee_id", "active")) == {
        "H00001": True, "H00002": True, "GONE1": False, "GONE2": False}
    entry = AuditEntry.objects.filter(action="roster.import").latest("pk")
    assert entry.detail["deactivated"] == 1 and entry.detail["rows"] == 2


def test_xlsx_imports_like_csv(db):
    _, counts = apply(xlsx_bytes([person_row(1), person_row(2, supervisor="H00001")]), filename="hr.xlsx")
    assert counts.added == 2
    assert Person.objects.get(employee_id="H00002").supervisor.employee_id == "H00001"


def test_first_and_last_name_columns_make_the_name(db):
    content = csv_bytes([["E1", "Ada", "Lovelace"]], headers=["ID", "First", "Last"])
    apply(content, columns={"employee_id": "ID", "first_name": "First", "last_name": "Last"})
    assert Person.objects.get(employee_id="E1").name == "Ada Lovelace"


# All or nothing at 10,000 rows ----------------------------------------------------------------

TEN_THOUSAND = [person_row(i, supervisor=f"H{(i // 100) * 100 + 100:05d}" if i % 100 else "")
                for i in range(1, 10_001)]


def test_a_bad_row_near_the_end_of_10000_changes_nothing(db):
    make_person(employee_id="H00005", name="Was Here Before", rank=2)
    rows = [*TEN_THOUSAND[:-2], person_row(9_999, email="broken@"), TEN_THOUSAND[-1]]
    with pytest.raises(ImportRefused) as refused:
        apply(csv_bytes(rows), deactivate_missing=True)
    assert [(p.row, p.column) for p in refused.value.plan.problems] == [(10_000, "Work Email")]
    assert list(Person.objects.values_list("employee_id", "name", "rank", "active")) == [
        ("H00005", "Was Here Before", 2, True)]


def test_a_database_error_in_the_middle_of_10000_rows_changes_nothing(db):
    make_person(employee_id="H00005", name="Was Here Before", rank=2)
    make_person(employee_id="GONE1", name="Left The Hospital")
    real = Person.objects.bulk_create
    calls = []

    def fail_on_the_sixth(*args, **kwargs):
        calls.append(1)
        if len(calls) == 6:
            raise DatabaseError("disk I/O error")
        return real(*args, **kwargs)

    with mock.patch.object(Person.objects, "bulk_create", side_effect=fail_on_the_sixth), \
            pytest.raises(DatabaseError):
        apply(csv_bytes(TEN_THOUSAND), deactivate_missing=True)
    assert len(calls) == 6  # five chunks of 1,000 were written before the error
    assert list(Person.objects.order_by("employee_id").values_list("employee_id", "name", "active")) == [
        ("GONE1", "Left The Hospital", True), ("H00005", "Was Here Before", True)]
    assert not AuditEntry.objects.filter(action="roster.import").exists()


def test_10000_rows_import_with_their_supervisors_and_a_second_run_changes_nothing(db):
    content = csv_bytes(TEN_THOUSAND)
    _, counts = apply(content)
    assert counts.added == 10_000
    assert Person.objects.filter(supervisor__employee_id="H00100").count() == 99
    assert Person.objects.get(employee_id="H09999").supervisor.employee_id == "H10000"
    _, again = apply(content)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 10_000)


def test_an_empty_status_or_role_cell_keeps_what_is_stored(db):
    make_person(employee_id="H00001", name="Hospital Person 1", active=False, role_type="nurse", rank=4)
    _, counts = apply(csv_bytes([person_row(1, status="", role="", rank=""), person_row(2, status="")]))
    assert counts.added == 1
    people = {p.employee_id: p for p in Person.objects.all()}
    assert (people["H00001"].active, people["H00001"].role_type, people["H00001"].rank) == (False, "nurse", 4)
    assert people["H00002"].active  # someone new: the roster's default


def test_a_nul_character_in_a_cell_or_a_heading_is_a_problem_not_an_error(db):
    # Past the first 4 kB (a NUL there marks a file that is not text at all).
    rows = [person_row(i) for i in range(100, 160)] + [person_row(2, id="H\x0002"), person_row(3, name="A\x00B")]
    found = problems_of(csv_bytes(rows))
    assert [(row, column) for row, column, _ in found] == [(62, "Employee ID"), (63, "Full Name")]
    assert all("NUL character" in message for _, _, message in found)
    with pytest.raises(InvalidInput, match="NUL character"):
        _checked_headers(["Employee\x00ID", "Name"])


def test_the_separator_is_the_headings_not_one_found_in_the_cells(db):
    rows = [["E1", "Ada Lovelace", "asian;white"], ["E2", "Grace Hopper", "white"]]
    table = read_table(csv_bytes(rows, headers=["ID", "Name", "Race"]), "hr.csv")
    assert table.rows[0][1] == ["E1", "Ada Lovelace", "asian;white"]
    table = read_table(csv_bytes(rows, headers=["ID", "Name", "Race"], delimiter="\t"), "hr.tsv")
    assert table.headers == ["ID", "Name", "Race"] and table.rows[1][1][1] == "Grace Hopper"
