"""Roster import from an HR export: plan (the dry run), then write, all or nothing.

The rules are the roster service's own (`_person_values`, the batch's write and its second pass
for supervisors), applied to a whole file in one transaction: a file with any problem changes
nothing, and neither does a database error halfway. The web runs both steps in the worker
(`peersupport.roster.tasks`) and keeps its progress on the `RosterImport` row; the command
`import_roster` runs them in its own process.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.lib.bulk import cyclic_gc_paused
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.lib.i18n import in_language_of
from peersupport.matching.models import matching_version_bump
from peersupport.roster.imports import (
    FIELD_LABELS,
    RowProblem,
    Table,
    another_programs_row,
    check_columns,
    guess_columns,
    parse_rows,
    problem,
    read_table,
)
from peersupport.roster.models import ImportMapping, ImportStatus, Person, RosterImport
from peersupport.roster.services import (
    BATCH_LIMIT,
    PERSON_FIELDS,
    PersonInput,
    _clean_employee_id,
    _person_values,
    _whole_batch_per_query,
    people_set_supervisors,
    people_write,
    program_problems,
    writer_program,
)

# The import page and the command list this many problems; the count says how many there are.
PROBLEMS_KEPT = 1_000
SAMPLE = 20
Progress = Callable[[str, int, int], None]  # (stage, done rows, percent)


def _no_progress(stage: str, done: int, percent: int) -> None:
    return None


@dataclass
class ImportPlan:
    """What a file would do to the roster, or its problems (then it does nothing)."""

    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # employee ids, in the file's order
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    supervisor_of: dict[str, str] = field(default_factory=dict)
    existing: dict[str, dict[str, Any]] = field(default_factory=dict)
    pk_of: dict[str, int] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    unchanged: int = 0
    deactivate: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        fields = Counter(name for names in self.changed.values() for name in names)
        return {
            "rows": self.rows,
            "added": len(self.added),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "deactivated": len(self.deactivate),
            "changed_fields": dict(fields.most_common()),
            "problem_count": len(self.problems),
            "added_sample": self.added[:SAMPLE],
            "changed_sample": [{"employee_id": e, "fields": f} for e, f in list(self.changed.items())[:SAMPLE]],
            "deactivated_sample": [e for _, e in self.deactivate[:SAMPLE]],
        }


class ImportRefused(InvalidInput):
    """The file has problems: nothing was changed."""

    def __init__(self, plan: ImportPlan) -> None:
        count = len(plan.problems)
        listed = "; ".join(str(p) for p in plan.problems[:5])
        more = (gettext("; and %(count)s more") % {"count": number_format(count - 5, force_grouping=True)}
                if count > 5 else "")
        super().__init__(ngettext("Nothing was changed: the file has %(count)s problem.",
                                  "Nothing was changed: the file has %(count)s problems.", count)
                         % {"count": number_format(count, force_grouping=True)} + f" {listed}{more}")
        self.plan = plan


def _chunks(items: Sequence[Any], size: int = BATCH_LIMIT) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


_STORED = ("pk", "employee_id", "supervisor_id", "supervisor__employee_id", "program_id", *PERSON_FIELDS)


def _stored_input(before: dict[str, Any] | None) -> dict[str, Any]:
    """A column not mapped keeps what is stored (or the roster's default for someone new)."""
    if before is None:
        return {}
    return {"name": before["name"], "email": before["email"], "phone": before["phone"],
            "role_type": before["role_type"], "specialty": before["specialty"],
            "department": before["department"], "rank": before["rank"],
            "interventional": before["interventional"], "site": before["site"], "active": before["active"],
            "supervisor_employee_id": before["supervisor__employee_id"], "language": before["language"]}


def plan_import(table: Table, columns: Mapping[str, str], *, deactivate_missing: bool = False,
                program_id: int | None = None,
                progress: Progress = _no_progress, percent_span: tuple[int, int] = (0, 100)) -> ImportPlan:
    """Check every row with the roster's rules and compare it with the roster: the dry run.

    With `program_id` (a director's or administrator's import), a row naming another program's
    person, or a site of another program, is a problem, and deactivating the people missing from
    the file deactivates only that program's. Reads the roster in chunks of BATCH_LIMIT; writes
    nothing."""
    with cyclic_gc_paused():
        return _plan_import(table, columns, deactivate_missing=deactivate_missing, program_id=program_id,
                            progress=progress, percent_span=percent_span)


def _plan_import(table: Table, columns: Mapping[str, str], *, deactivate_missing: bool, program_id: int | None,
                 progress: Progress, percent_span: tuple[int, int]) -> ImportPlan:
    low, high = percent_span
    total = len(table.rows) or 1

    def step(done: int, second_pass: bool = False) -> None:
        # Two passes over the rows (reading the cells, then the roster's rules): half the span each.
        share = (high - low) * done // total // 2
        progress(gettext("Checking rows against the roster") if second_pass else gettext("Reading rows"), done,
                 low + share + ((high - low) // 2 if second_pass else 0))

    plan = ImportPlan(rows=len(table.rows))
    parsed, plan.problems = parse_rows(table, columns, progress=step)
    heading = {name: columns.get(name, "") for name in FIELD_LABELS}
    heading["supervisor_employee_id"] = columns.get("supervisor_employee_id", "")
    if "name" not in columns:
        heading["name"] = columns.get("first_name") or columns.get("last_name", "")
    id_heading = columns["employee_id"]

    row_of: dict[str, int] = {}
    good = []
    for item in parsed:
        if "\x00" in item.employee_id:
            continue  # listed already; a NUL names no one (and PostgreSQL refuses to compare it)
        try:
            employee_id = _clean_employee_id(item.employee_id)
        except InvalidInput as exc:
            plan.problems.append(problem(item.row, id_heading, exc.detail, "employee_id"))
            continue
        if employee_id in row_of:
            plan.problems.append(problem(item.row, id_heading,
                                         gettext("%(employee_id)s is already on row %(row)s of this file.")
                                         % {"employee_id": employee_id, "row": row_of[employee_id]},
                                         "employee_id"))
            continue
        row_of[employee_id] = item.row
        if not item.bad:
            good.append((employee_id, item))

    for chunk in _chunks(list(row_of)):
        for row in Person.objects.filter(employee_id__in=chunk).values(*_STORED):
            plan.existing[row["employee_id"]] = row
    plan.pk_of = {employee_id: row["pk"] for employee_id, row in plan.existing.items()}

    for count, (employee_id, item) in enumerate(good, start=1):
        if count % 5_000 == 0:
            step(min(total, count), second_pass=True)
        before = plan.existing.get(employee_id)
        given = {**_stored_input(before), **item.values}
        if "supervisor_employee_id" in given:
            given["supervisor_employee_id"] = given["supervisor_employee_id"] or None
        try:
            values = _person_values(employee_id, PersonInput(**given))
        except InvalidInput as exc:
            loc = (exc.errors or [{}])[0].get("loc")
            name = str(loc[0]) if isinstance(loc, list) and loc else ""
            plan.problems.append(problem(item.row, heading.get(name, ""), exc.detail, name))
            continue
        refused = program_problems({employee_id: values}, program_id, program_of_person={
            employee_id: before["program_id"] if before is not None else program_id})
        if refused:
            name, message = refused[employee_id]
            plan.problems.append(another_programs_row(
                item.row, id_heading if name == "employee_id" else heading.get(name, ""), message, name))
            continue
        plan.order.append(employee_id)
        plan.values[employee_id] = values
        if given.get("supervisor_employee_id"):
            plan.supervisor_of[employee_id] = given["supervisor_employee_id"]

    outside = sorted({s for s in plan.supervisor_of.values() if s not in row_of and s not in plan.pk_of})
    for chunk in _chunks(outside):
        plan.pk_of.update(Person.objects.filter(employee_id__in=chunk).values_list("employee_id", "pk"))
    for employee_id, supervisor in plan.supervisor_of.items():
        if supervisor not in row_of and supervisor not in plan.pk_of:
            plan.problems.append(problem(row_of[employee_id], heading["supervisor_employee_id"],
                                         gettext("Unknown supervisor employee id %(supervisor)s: not in this file "
                                                 "and not on the roster.") % {"supervisor": supervisor},
                                         "supervisor_employee_id"))
    plan.problems.sort(key=lambda p: p.row)
    if plan.problems:
        return plan

    for employee_id in plan.order:
        before = plan.existing.get(employee_id)
        if before is None:
            plan.added.append(employee_id)
            continue
        values = plan.values[employee_id]
        changed = [name for name in PERSON_FIELDS if name in values and before[name] != values[name]]
        if (before["supervisor__employee_id"] or None) != plan.supervisor_of.get(employee_id):
            changed.append("supervisor_employee_id")
        if changed:
            plan.changed[employee_id] = changed
        else:
            plan.unchanged += 1
    if deactivate_missing:
        in_file = set(row_of)
        active = Person.objects.filter(active=True)
        if program_id is not None:
            active = active.filter(program_id=program_id)
        plan.deactivate = [(pk, employee_id) for pk, employee_id in
                           active.order_by("employee_id")
                           .values_list("pk", "employee_id").iterator(chunk_size=5_000)
                           if employee_id not in in_file]
    progress(gettext("Checked"), plan.rows, high)
    return plan


@dataclass(frozen=True)
class ImportCounts:
    added: int
    changed: int
    unchanged: int
    deactivated: int


def _write(plan: ImportPlan) -> None:
    """The plan's writes: the batch's upsert a chunk at a time, then the supervisors named before
    they were created, then the people missing from the file. The caller holds the transaction.

    The people named as someone's supervisor are written first, so everyone else's supervisor
    has its pk when they are written; only a supervisor whose own supervisor is new to the
    roster is left to the second pass (an HR file often lists the staff before their chief)."""
    now = timezone.now()
    named = set(plan.supervisor_of.values())
    supervisors = [e for e in plan.order if e in named]
    staff = [e for e in plan.order if e not in named]
    later: list[tuple[str, str]] = []
    for chunk in _chunks(supervisors):
        people_write(chunk, values=plan.values, supervisor_of=plan.supervisor_of, pk_of=plan.pk_of,
                     existing=plan.existing, later=later, now=now)
    for chunk in _chunks([e for e in supervisors if e not in plan.pk_of]):
        plan.pk_of.update(Person.objects.filter(employee_id__in=chunk).values_list("employee_id", "pk"))
    for chunk in _chunks(staff):
        people_write(chunk, values=plan.values, supervisor_of=plan.supervisor_of, pk_of=plan.pk_of,
                     existing=plan.existing, later=later, now=now)
    people_set_supervisors(later, plan.pk_of)
    for chunk in _chunks([pk for pk, _ in plan.deactivate]):
        Person.objects.filter(pk__in=chunk).update(active=False, updated_at=now)


def import_apply(table: Table, columns: Mapping[str, str], *, actor: User | None, deactivate_missing: bool,
                 source: str, roster_import: RosterImport | None = None, program_id: int | None = None,
                 progress: Progress = _no_progress) -> tuple[ImportPlan, ImportCounts]:
    """Check the whole file again and write it, in one transaction: all or nothing.

    `program_id` limits the file to one program's people (`plan_import`). Raises ImportRefused
    (nothing changed) when any row has a problem. One audit entry records the counts."""
    with cyclic_gc_paused(), transaction.atomic(), _whole_batch_per_query():
        plan = plan_import(table, columns, deactivate_missing=deactivate_missing, program_id=program_id,
                           progress=progress, percent_span=(5, 60))
        if plan.problems:
            raise ImportRefused(plan)
        progress(gettext("Writing to the roster"), plan.rows, 70)
        _write(plan)
        counts = ImportCounts(added=len(plan.added), changed=len(plan.changed), unchanged=plan.unchanged,
                              deactivated=len(plan.deactivate))
        if plan.added or plan.changed or plan.deactivate:
            # bulk_create and update() send no signals: the suggestions' cached facts must reload.
            matching_version_bump()
        audit_record(actor=actor, action="roster.import", obj=roster_import,
                     object_type="" if roster_import else "person",
                     detail={"source": source, "rows": plan.rows, "added": counts.added, "changed": counts.changed,
                             "unchanged": counts.unchanged, "deactivated": counts.deactivated,
                             "deactivate_missing": deactivate_missing,
                             **({"program_id": program_id} if program_id is not None else {})})
    return plan, counts


# Remembered mappings --------------------------------------------------------------------------

def mapping_remember(*, name: str, columns: Mapping[str, str]) -> ImportMapping:
    name = " ".join(name.split())[:100]
    mapping, _ = ImportMapping.objects.update_or_create(
        name=name, defaults={"columns": dict(columns), "last_used_at": timezone.now()})
    return mapping


def mapping_for(headers: list[str], name: str = "") -> tuple[str, dict[str, str]]:
    """The mapping to offer: the named one; else the last one used, when the file has all its
    columns; else a guess from the headings. Returns (its name, the columns)."""
    if name:
        mapping = ImportMapping.objects.filter(name=name).first()
        if mapping is None:
            known = ", ".join(ImportMapping.objects.order_by("name").values_list("name", flat=True)[:20])
            raise InvalidInput(gettext("No saved mapping is called “%(name)s”.") % {"name": name}
                               + (" " + gettext("Saved: %(names)s.") % {"names": known} if known else ""))
        return mapping.name, dict(mapping.columns)
    last = ImportMapping.objects.order_by("-last_used_at").first()
    if last is not None and set(last.columns.values()) <= set(headers):
        return last.name, dict(last.columns)
    return "", guess_columns(headers)


# The web's import: a row the worker moves along -----------------------------------------------

def _set_progress(import_id: int, stage: str, done: int, percent: int) -> None:
    RosterImport.objects.filter(pk=import_id).update(stage=stage, done_rows=done, percent=percent,
                                                     updated_at=timezone.now())


def roster_import_upload(*, actor: User, filename: str, content: bytes) -> RosterImport:
    """Keep an uploaded file for the worker, with its headings and the mapping to offer."""
    filename = (filename or "roster").replace("\x00", "")[-200:]
    # Only the headings now: the rows are read and counted by the worker when it checks the file.
    table = read_table(content, filename, headers_only=True)
    name, columns = mapping_for(table.headers)
    with transaction.atomic():
        roster_import = RosterImport.objects.create(
            created_by=actor, program_id=writer_program(actor), filename=filename, content=content,
            headers=table.headers,
            columns={k: v for k, v in columns.items() if v in table.headers}, mapping_name=name)
        audit_record(actor=actor, action="roster_import.upload", obj=roster_import,
                     detail={"bytes": len(content)})
    return roster_import


def _table_of(roster_import: RosterImport) -> Table:
    return read_table(bytes(roster_import.content), roster_import.filename)


def roster_import_map(*, actor: User, roster_import_id: int, columns: Mapping[str, str], mapping_name: str,
                      deactivate_missing: bool) -> RosterImport:
    """Set the column mapping (and remember it by name), then check the file in the background."""
    with transaction.atomic():
        roster_import = RosterImport.objects.select_for_update().defer("content").get(pk=roster_import_id)
        if not (roster_import.status in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.FAILED)
                or roster_import.stalled):
            raise Conflict(gettext("This import is running or done; its mapping can no longer change."))
        cleaned = check_columns(columns, roster_import.headers)
        if mapping_name.strip():
            mapping_remember(name=mapping_name, columns=cleaned)
        RosterImport.objects.filter(pk=roster_import.pk).update(
            columns=cleaned, mapping_name=" ".join(mapping_name.split())[:100],
            deactivate_missing=deactivate_missing, status=ImportStatus.PREVIEWING,
            stage=gettext("Waiting for the worker"), done_rows=0, percent=0, summary={}, problems=[], error="",
            updated_at=timezone.now())
        audit_record(actor=actor, action="roster_import.map", obj=roster_import,
                     detail={"mapping": mapping_name[:100], "deactivate_missing": deactivate_missing})
        transaction.on_commit(partial(_enqueue, "preview", roster_import.pk), robust=True)
    roster_import.refresh_from_db()
    return roster_import


def roster_import_start(*, actor: User, roster_import_id: int) -> RosterImport:
    """Import a checked file with no problems, in the background."""
    with transaction.atomic():
        started = RosterImport.objects.filter(
            pk=roster_import_id, status=ImportStatus.PREVIEWED, summary__problem_count=0).update(
            status=ImportStatus.IMPORTING, stage=gettext("Waiting for the worker"), done_rows=0, percent=0,
            updated_at=timezone.now())
        roster_import = RosterImport.objects.defer("content").get(pk=roster_import_id)
        if not started:
            if roster_import.status == ImportStatus.PREVIEWED:
                raise InvalidInput(
                    gettext("The file has problems: correct them and upload it again. Nothing was changed."))
            raise Conflict(gettext("This import is not waiting to be started (it is running or done)."))
        audit_record(actor=actor, action="roster_import.start", obj=roster_import)
        transaction.on_commit(partial(_enqueue, "run", roster_import.pk), robust=True)
    return roster_import


def _enqueue(what: str, roster_import_id: int) -> None:
    from peersupport.roster.tasks import preview_roster_import, run_roster_import

    (preview_roster_import if what == "preview" else run_roster_import).enqueue(roster_import_id)


def _uploader(roster_import_id: int, status: str) -> tuple[RosterImport | None, User | None]:
    roster_import = (RosterImport.objects.filter(pk=roster_import_id, status=status)
                     .select_related("created_by__person").first())
    return roster_import, (roster_import.created_by if roster_import is not None else None)


def roster_import_preview_run(roster_import_id: int) -> None:
    """The worker's dry run: every row checked, problems and the summary stored on the row, in
    the language of whoever uploaded the file (the director who reads the preview)."""
    roster_import, uploader = _uploader(roster_import_id, ImportStatus.PREVIEWING)
    if roster_import is None:
        return
    with in_language_of(uploader):
        _preview(roster_import)


def _preview(roster_import: RosterImport) -> None:
    progress = partial(_set_progress, roster_import.pk)
    progress(gettext("Reading the file"), 0, 1)
    try:
        table = _table_of(roster_import)
        RosterImport.objects.filter(pk=roster_import.pk).update(total_rows=len(table.rows))
        plan = plan_import(table, roster_import.columns, deactivate_missing=roster_import.deactivate_missing,
                           program_id=roster_import.program_id, progress=progress)
    except InvalidInput as exc:
        RosterImport.objects.filter(pk=roster_import.pk).update(
            status=ImportStatus.FAILED, error=exc.detail, stage="", finished_at=timezone.now())
        return
    except Exception:
        RosterImport.objects.filter(pk=roster_import.pk).update(
            status=ImportStatus.FAILED, stage="", finished_at=timezone.now(),
            error=gettext("Checking the file stopped on an error. Try again; if it fails again, tell your IT team "
                  "(the worker's log has the details)."))
        raise
    RosterImport.objects.filter(pk=roster_import.pk, status=ImportStatus.PREVIEWING).update(
        status=ImportStatus.PREVIEWED, summary=plan.summary(), stage="", percent=100, done_rows=plan.rows,
        problems=[p.as_dict() for p in plan.problems[:PROBLEMS_KEPT]], updated_at=timezone.now())


def roster_import_run(roster_import_id: int) -> None:
    """The worker's import: the file checked again and written in one transaction."""
    roster_import, uploader = _uploader(roster_import_id, ImportStatus.IMPORTING)
    if roster_import is None:
        return
    with in_language_of(uploader):
        _run(roster_import)


def _run(roster_import: RosterImport) -> None:
    # Its row, while this run still owns it (a stalled run may have been started again meanwhile).
    mine = RosterImport.objects.filter(pk=roster_import.pk, status=ImportStatus.IMPORTING)
    progress = partial(_set_progress, roster_import.pk)
    progress(gettext("Reading the file"), 0, 2)
    try:
        plan, counts = import_apply(_table_of(roster_import), roster_import.columns,
                                    actor=roster_import.created_by,
                                    deactivate_missing=roster_import.deactivate_missing, source="web",
                                    roster_import=roster_import, program_id=roster_import.program_id,
                                    progress=progress)
    except ImportRefused as exc:
        mine.update(
            status=ImportStatus.FAILED, summary=exc.plan.summary(), stage="", finished_at=timezone.now(),
            problems=[p.as_dict() for p in exc.plan.problems[:PROBLEMS_KEPT]],
            error=gettext("The roster changed since the check, and the file now has problems. Nothing was changed."))
        return
    except InvalidInput as exc:
        mine.update(
            status=ImportStatus.FAILED, error=exc.detail, stage="", finished_at=timezone.now())
        return
    except Exception:
        mine.update(
            status=ImportStatus.FAILED, stage="", finished_at=timezone.now(),
            error=gettext("The import stopped on an error and nothing was changed. Try again; if it fails again, "
                  "tell your IT team (the worker's log has the details)."))
        raise
    summary = plan.summary()
    summary.update(added=counts.added, changed=counts.changed, unchanged=counts.unchanged,
                   deactivated=counts.deactivated)
    # The file's copy goes once imported: the roster holds what it said, and a second copy of the
    # staff's contact details would only wait to leak.
    mine.update(
        status=ImportStatus.DONE, summary=summary, stage="", percent=100, done_rows=plan.rows, content=b"",
        finished_at=timezone.now(), updated_at=timezone.now())

