"""Reading an HR export (CSV or Excel) into roster entries: the file, the column mapping, each row.

Nothing here writes: `read_table` turns the file's bytes into headings and rows, `guess_columns`
proposes a mapping from common HR headings, and `parse_rows` turns each row into the fields the
bulk roster service takes, with every problem stated by its row (as a spreadsheet numbers it) and
its column. `peersupport.roster.services_import` plans and writes the result.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peersupport.lib.errors import InvalidInput
from peersupport.lib.i18n import Text
from peersupport.roster.models import RANK_LABELS, AgeBand, Gender, RaceEthnicity, RoleType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The largest file accepted (the web keeps it in the database for the worker) and its rows.
MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_ROWS = 200_000

# Roster fields a column may fill, in the order the mapping form shows them.
FIELD_LABELS: dict[str, StrOrPromise] = {
    "employee_id": _("Employee id"),
    "name": _("Full name"),
    "first_name": _("First name (with last name, when there is no full name)"),
    "last_name": _("Last name"),
    "email": _("Email"),
    "phone": _("Phone"),
    "role_type": _("Role"),
    "specialty": _("Specialty"),
    "department": _("Department"),
    "rank": _("Rank (1 to 5)"),
    "interventional": _("Interventional (yes or no)"),
    "site": _("Site"),
    "supervisor_employee_id": _("Supervisor's employee id"),
    "active": _("Active (yes or no)"),
    "gender": _("Gender (self-identified)"),
    "race_ethnicity": _("Race and ethnicity (self-identified)"),
    "age_band": _("Age band (self-identified)"),
    "language": _("Language (en or es)"),
}
FIELDS = tuple(FIELD_LABELS)

# Headings HR systems commonly use, folded (lowercase, letters and digits only).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "employee_id": ("employeeid", "empid", "employeenumber", "employeeno", "employeenum", "emplid", "staffid",
                    "staffnumber", "personnelnumber", "workerid", "badgenumber", "badgeid", "id"),
    "name": ("name", "fullname", "employeename", "displayname", "preferredname", "staffname"),
    "first_name": ("firstname", "givenname", "forename", "preferredfirstname"),
    "last_name": ("lastname", "surname", "familyname"),
    "email": ("email", "emailaddress", "workemail", "businessemail", "mail", "workemailaddress"),
    "phone": ("phone", "phonenumber", "workphone", "mobile", "mobilephone", "cellphone", "cell", "telephone"),
    "role_type": ("role", "roletype", "jobrole", "profession", "staffcategory", "staffrole", "jobfamily"),
    "specialty": ("specialty", "speciality", "clinicalspecialty", "primaryspecialty"),
    "department": ("department", "dept", "departmentname", "unit", "division"),
    "rank": ("rank", "level", "grade", "seniority", "careerlevel"),
    "interventional": ("interventional", "proceduralist", "performsprocedures"),
    "site": ("site", "location", "campus", "facility", "worklocation", "hospital", "worksite"),
    "supervisor_employee_id": ("supervisoremployeeid", "supervisorid", "managerid", "manageremployeeid",
                               "reportstoid", "reportsto", "supervisorempid", "managerempid"),
    "active": ("active", "isactive", "status", "employmentstatus", "employeestatus"),
    "gender": ("gender", "genderidentity"),
    "race_ethnicity": ("raceethnicity", "race", "ethnicity", "raceandethnicity"),
    "age_band": ("ageband", "agegroup", "agerange"),
    "language": ("language", "preferredlanguage", "lang", "languagepreference", "spokenlanguage"),
}

# What to do about a problem in each field (the service's message says what is wrong).
_FIX: dict[str, Text] = {
    "employee_id": _("Give each person's employee id, 1 to 40 characters without spaces, once in the file."),
    "name": _("Give the person's name, at most 200 characters."),
    "email": _("Correct the address, or leave the cell empty."),
    "role_type": _("Use one of the roles listed, or map another column to Role."),
    "rank": _("Use a number from 1 (trainee) to 5 (chief or leader), or leave the cell empty."),
    "supervisor_employee_id": _("Give the employee id of someone in this file or on the roster, or leave it empty."),
    "interventional": _("Write yes or no."),
    "active": _("Write yes or no (or active or inactive)."),
    "gender": _("Use one of the answers listed, or leave the cell empty."),
    "race_ethnicity": _("Use the categories listed, separated by semicolons, or leave the cell empty."),
    "age_band": _("Use one of the bands listed, or leave the cell empty."),
    "language": _("Write en (English) or es (Spanish), or leave the cell empty."),
}
_SHORTEN = _("Shorten the text in this cell.")
# A row of another program in a program's file (the web's import, or the command's --program).
_OTHER_PROGRAM = _("Leave this row out: this file is for this program's people only; the other program "
                   "imports its own.")

_TRUE = {"yes", "y", "true", "t", "1", "active", "a", "x"}
_FALSE = {"no", "n", "false", "f", "0", "inactive", "i", "terminated"}


def fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _choices(pairs: Sequence[tuple[str, StrOrPromise]], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Folded value or English label -> value (an HR system's export is in English)."""
    found = {fold(value): value for value, _ in pairs}
    with translation.override("en"):
        found.update({fold(str(label)): value for value, label in pairs})
    found.update(extra or {})
    return found


_ROLES = _choices(RoleType.choices, {"md": "physician", "do": "physician", "attending": "physician",
                                     "rn": "nurse", "registerednurse": "nurse", "np": "app", "pa": "app",
                                     "nursepractitioner": "app", "physicianassistant": "app"})
_GENDERS = _choices(Gender.choices, {"f": "female", "m": "male", "nonbinary": "non-binary"})
_RACES = _choices(RaceEthnicity.choices)
_AGE_BANDS = _choices(AgeBand.choices)
# "en", "English", "es", "Español", and the names HR systems write in English.
_LANGUAGES = _choices([(code, str(name)) for code, name in settings.LANGUAGES],
                      {"spanish": "es", "espanol": "es", "castellano": "es", "ingles": "en", "ingls": "en"})
_RANKS = {fold(label): rank for rank, label in RANK_LABELS.items()} | {"chief": 5, "leader": 5}


# Reading the file -----------------------------------------------------------------------------

@dataclass
class Table:
    """A file's headings and its rows, each with its number as a spreadsheet shows it."""

    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]]


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"loc": ["file"], "msg": message, "type": "value_error"}])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps numbers as floats: employee id 1234, not 1234.0
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = content.decode("latin-1")
    # The separator is the one the headings use most (Excel writes ";" where "," is the decimal
    # comma): the headings, unlike the cells ("asian;white"), rarely hold one of them.
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(",;\t|", key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield [cell.strip() for cell in record]


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise _refuse(gettext("This Excel file could not be opened: it may be damaged or protected by a password. "
                              "Save it again as .xlsx or as CSV and upload that.")) from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell(value) for value in values]
    finally:
        workbook.close()


def file_kind(content: bytes, filename: str) -> str:
    """"xlsx" or "csv", or a clear refusal for anything else."""
    name = filename.lower()
    if content.startswith(b"PK\x03\x04"):
        if name.endswith((".xlsx", ".xlsm")) or not name.endswith(".csv"):
            return "xlsx"
    if content.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise _refuse(gettext("This is an Excel 97-2003 file (.xls). Save it as Excel Workbook (.xlsx) or CSV and "
                              "upload that."))
    if name.endswith((".xlsx", ".xlsm")):
        raise _refuse(gettext("This file is named .xlsx but is not an Excel workbook. Save it again from Excel."))
    if b"\x00" in content[:4096]:
        raise _refuse(gettext("This is not a CSV or Excel (.xlsx) file. Export the roster from your HR system as "
                              "CSV or .xlsx."))
    return "csv"


def read_table(content: bytes, filename: str, *, headers_only: bool = False) -> Table:
    """The headings (the first row with anything in it) and the rows under them (none when
    `headers_only`: the web reads only that much while the person waits).

    Refuses, with what to do, a file that is empty, too large, not CSV or .xlsx, or whose
    headings are missing or repeated. Blank rows are skipped but keep their numbers."""
    if not content:
        raise _refuse(gettext("The file is empty. Export the roster again and upload that file."))
    if len(content) > MAX_FILE_BYTES:
        raise _refuse(gettext("The file is %(size)s MB; at most %(limit)s MB is accepted. Leave out columns the "
                              "roster does not use, or split the file.")
                      % {"size": number_format(len(content) / 1_048_576, 1, force_grouping=True),
                         "limit": MAX_FILE_BYTES // 1_048_576})
    rows = _xlsx_rows(content) if file_kind(content, filename) == "xlsx" else _csv_rows(content)
    headers: list[str] | None = None
    header_row = 0
    found: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(rows, start=1):
            if not any(cells):
                continue
            if headers is None:
                headers, header_row = cells, number
                if headers_only:
                    break
                continue
            found.append((number, cells))
            if len(found) > MAX_ROWS:
                raise _refuse(gettext("The file has more than %(rows)s rows. Split it into smaller files.")
                              % {"rows": number_format(MAX_ROWS, force_grouping=True)})
    except csv.Error as error:
        raise _refuse(gettext("The file could not be read as CSV (%(error)s). Export it again as CSV or .xlsx.")
                      % {"error": error}) from None
    if headers is None:
        raise _refuse(gettext("The file has no rows. Export the roster again, with a row of column headings first."))
    return Table(headers=_checked_headers(headers), header_row=header_row, rows=found)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _checked_headers(cells: list[str]) -> list[str]:
    headers = [cell or f"Column {_column_letter(i)}" for i, cell in enumerate(cells)]
    while headers and headers[-1].startswith("Column ") and not cells[len(headers) - 1]:
        headers.pop()  # trailing empty cells are not columns
    seen: dict[str, int] = {}
    for i, heading in enumerate(headers):
        if "\x00" in heading:
            raise _refuse(gettext("The heading of column %(column)s holds a NUL character. Export the file again, "
                                  "or type the heading anew.") % {"column": _column_letter(i)})
        if heading in seen:
            raise _refuse(gettext("The heading “%(heading)s” appears twice (columns %(first)s and %(second)s). "
                                  "Rename one of them and upload the file again.")
                          % {"heading": heading, "first": _column_letter(seen[heading]), "second": _column_letter(i)})
        seen[heading] = i
    if not headers:
        raise _refuse(gettext("The first row has no column headings. Add a row of headings and upload the file "
                              "again."))
    return headers


# The mapping ----------------------------------------------------------------------------------

def guess_columns(headers: list[str]) -> dict[str, str]:
    """A proposed mapping from common HR headings ("Employee ID", "Work Email", "Manager ID"...)."""
    by_fold = {fold(heading): heading for heading in headers}
    guessed: dict[str, str] = {}
    taken: set[str] = set()
    for name in FIELDS:
        for synonym in _SYNONYMS[name]:
            heading = by_fold.get(synonym)
            if heading is not None and heading not in taken:
                guessed[name] = heading
                taken.add(heading)
                break
    if "name" in guessed and "first_name" in guessed:
        guessed.pop("first_name", None)
        guessed.pop("last_name", None)
    return guessed


def check_columns(columns: Mapping[str, str], headers: list[str]) -> dict[str, str]:
    """The mapping, checked against the file: known fields, existing headings, each used once."""
    problems = []
    cleaned = {name: heading for name, heading in columns.items() if heading}
    for name, heading in cleaned.items():
        if name not in FIELD_LABELS:
            problems.append(gettext("“%(name)s” is not a roster field.") % {"name": name})
        elif heading not in headers:
            problems.append(gettext("%(field)s: the file has no column “%(heading)s”.")
                            % {"field": FIELD_LABELS[name], "heading": heading})
    used: dict[str, str] = {}
    for name, heading in cleaned.items():
        if heading in used and name in FIELD_LABELS:
            problems.append(gettext("The column “%(heading)s” is chosen for both %(first)s and %(second)s; "
                                    "choose it once.")
                            % {"heading": heading, "first": FIELD_LABELS[used[heading]], "second": FIELD_LABELS[name]})
        used.setdefault(heading, name)
    if "employee_id" not in cleaned:
        problems.append(gettext("Choose the column that holds the employee id: the import matches people by it."))
    if "name" not in cleaned and not {"first_name", "last_name"} & set(cleaned):
        problems.append(gettext("Choose the column that holds the name (or the first and last name columns)."))
    if problems:
        raise InvalidInput(" ".join(problems),
                           errors=[{"loc": ["columns"], "msg": p, "type": "value_error"} for p in problems])
    return cleaned


# The rows -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        if self.column:
            return gettext("row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        return gettext("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


# The roster fields whose only rule a row can break, once its cells are read, is their length.
LENGTH_ONLY = frozenset({"phone", "specialty", "department", "site"})


def problem(row: int, column: str, message: str, field_name: str = "", *, fix: Text | None = None) -> RowProblem:
    """A row's problem: what is wrong (`message`), then what to do (the field's, unless `fix`), in
    the language active now (the web's worker speaks the language of whoever uploaded the file)."""
    if fix is None:
        fix = _SHORTEN if field_name in LENGTH_ONLY else _FIX.get(field_name, "")
    return RowProblem(row, column, f"{message} {fix}".strip())


def another_programs_row(row: int, column: str, message: str, field_name: str) -> RowProblem:
    return problem(row, column, message, field_name, fix=_OTHER_PROGRAM)


@dataclass
class ParsedRow:
    """One row's values for the mapped fields (a field not mapped is absent: kept as stored)."""

    row: int
    employee_id: str
    values: dict[str, Any] = field(default_factory=dict)
    # A cell could not be read (its problem is listed): the row is not checked further, but its
    # employee id still counts as in the file (for repeats, supervisors and deactivation).
    bad: bool = False


def _yes_no(text: str) -> bool:
    folded = fold(text)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(gettext("“%(text)s” is neither yes nor no.") % {"text": text})


def _rank(text: str) -> int:
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    if fold(text) in _RANKS:
        return _RANKS[fold(text)]
    raise ValueError(gettext("“%(text)s” is not a rank.") % {"text": text})


def _one_of(table: dict[str, str], unknown: Text, values: list[str]) -> Callable[[str], str]:
    """`unknown`: the message for a value not in `table`, with %(text)s and %(values)s."""
    def parse(text: str) -> str:
        if fold(text) in table:
            return table[fold(text)]
        raise ValueError(str(unknown) % {"text": text, "values": ", ".join(values)})
    return parse


def _races(text: str) -> tuple[str, ...]:
    parse = _one_of(_RACES, _("Unknown race or ethnicity “%(text)s”; use one of %(values)s."), RaceEthnicity.values)
    return tuple(parse(part) for part in re.split(r"[;|,]", text) if part.strip())


_PARSERS: dict[str, Callable[[str], Any]] = {
    "role_type": _one_of(_ROLES, _("Unknown role “%(text)s”; use one of %(values)s."), RoleType.values),
    "rank": _rank,
    "interventional": _yes_no,
    "active": _yes_no,
    "gender": _one_of(_GENDERS, _("Unknown gender “%(text)s”; use one of %(values)s."), Gender.values),
    "race_ethnicity": _races,
    "age_band": _one_of(_AGE_BANDS, _("Unknown age band “%(text)s”; use one of %(values)s."), AgeBand.values),
    "language": _one_of(_LANGUAGES, _("Unknown language “%(text)s”; use one of %(values)s."),
                        [code for code, _name in settings.LANGUAGES]),
}
# A blank cell in these columns means "not given": what is stored stays (self-identification is
# the person's own answer; a blank role, rank or status in an export is more often a gap than a
# change, and reading a blank status as "inactive" would take people off the roster by mistake).
_BLANK_KEEPS = {"role_type", "rank", "interventional", "active", "gender", "race_ethnicity", "age_band", "language"}


def parse_rows(table: Table, columns: Mapping[str, str],
               progress: Callable[[int], None] | None = None) -> tuple[list[ParsedRow], list[RowProblem]]:
    """Each row's values for the mapped fields, and each problem found in a single cell.

    The checks that need the whole file or the roster (repeated ids, unknown supervisors) and the
    roster service's own rules come later (`services_import.plan_import`)."""
    position = {heading: i for i, heading in enumerate(table.headers)}
    mapped = [(name, heading, position[heading]) for name, heading in columns.items()]
    id_heading = columns["employee_id"]
    id_at = position[id_heading]
    parsed: list[ParsedRow] = []
    problems: list[RowProblem] = []
    for count, (number, cells) in enumerate(table.rows, start=1):
        if progress is not None and count % 5_000 == 0:
            progress(count)
        employee_id = cells[id_at] if id_at < len(cells) else ""
        values: dict[str, Any] = {}
        bad = False
        for name, heading, at in mapped:
            text = cells[at] if at < len(cells) else ""
            if "\x00" in text:
                problems.append(problem(number, heading, gettext("The cell holds a NUL character."), name))
                bad = True
                continue
            if name == "employee_id":
                continue
            if name in _PARSERS:
                if not text and name in _BLANK_KEEPS:
                    continue
                try:
                    values[name] = _PARSERS[name](text)
                except ValueError as error:
                    problems.append(problem(number, heading, str(error), name))
                    bad = True
                continue
            values[name] = text
        if "first_name" in values or "last_name" in values:
            joined = " ".join(p for p in (values.pop("first_name", ""), values.pop("last_name", "")) if p)
            values.setdefault("name", joined)
        parsed.append(ParsedRow(row=number, employee_id=employee_id, values=values, bad=bad))
    return parsed, problems
