"""Changes to the roster: people (from HR feeds or by hand) and supporters."""

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import PROGRAM_STAFF, User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import InvalidInput
from peersupport.lib.i18n import Text
from peersupport.matching.models import matching_version_bump
from peersupport.program.models import program_id_for_site, site_mapping
from peersupport.roster.models import (
    AgeBand,
    Experience,
    Gender,
    Person,
    RoleType,
    Supporter,
    SupporterStatus,
    race_ethnicity_values,
)
from peersupport.training.selectors import initial_training_dates


@dataclass(frozen=True)
class PersonInput:
    name: str
    email: str = ""
    phone: str = ""
    role_type: str = RoleType.PHYSICIAN
    specialty: str = ""
    department: str = ""
    rank: int = 3
    interventional: bool = False
    supervisor_employee_id: str | None = None
    site: str = ""
    active: bool = True
    # Self-identification, as the person gave it (the HR system passes it on). None leaves what
    # is stored as it is (the person may have answered on their own page); a value replaces it,
    # and "" or () clears it.
    gender: str | None = None
    race_ethnicity: tuple[str, ...] | None = None
    age_band: str | None = None
    # The language the program writes to them in ("en", "es"): None leaves what is stored (the
    # person may have chosen it themself), and someone new is written to in English.
    language: str | None = None


@dataclass(frozen=True)
class SupporterInput:
    status: str = SupporterStatus.NOMINATED
    capacity: int | None = None
    trained_on: date | None = None
    experience: tuple[str, ...] = ()
    paused_until: date | None = None
    on_call: bool = False
    # Whether other programs of the installation may be suggested this supporter; None keeps it as is
    # (the roster feed does not set it: the supporter or their director does).
    shared_across_programs: bool | None = None


def _clean_employee_id(employee_id: str) -> str:
    employee_id = (employee_id or "").strip()
    if not employee_id or len(employee_id) > 40 or any(c.isspace() for c in employee_id):
        raise InvalidInput(gettext("An employee_id is 1 to 40 characters without spaces."))
    return employee_id


# A length rule's field, as its message names it (the API's field names; the import shows its column).
_FIELD_WORDS: dict[str, Text] = {"phone": _("phone"), "specialty": _("specialty"), "department": _("department"),
                                 "site": _("site")}


def _problem(field: str, message: str) -> InvalidInput:
    """Bad input in one field: the message, and where it is (as the API's 422 lists problems)."""
    return InvalidInput(message, errors=[{"loc": [field], "msg": message, "type": "value_error"}])


def _person_values(employee_id: str, data: PersonInput) -> dict[str, Any]:
    """The checked, normalized fields of a roster entry, except the supervisor (resolved by the
    caller). The single PUT and the batch share it, so their rules cannot drift apart."""
    name = " ".join((data.name or "").split())
    if not name or len(name) > 200:
        raise _problem("name", gettext("A name is required (at most 200 characters)."))
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            raise _problem("email", gettext("%(email)s is not an email address.")
                           % {"email": repr(data.email)}) from None
    if data.role_type not in RoleType.values:
        raise _problem("role_type",
                       f"Unknown role_type {data.role_type!r}; use one of {', '.join(RoleType.values)}.")
    if not 1 <= int(data.rank) <= 5:
        raise _problem("rank", "rank is 1 (trainee) to 5 (chief/leader).")
    for label, value, limit in (("phone", data.phone, 40), ("specialty", data.specialty, 100),
                                ("department", data.department, 100), ("site", data.site, 100)):
        if len(value or "") > limit:
            raise _problem(label, gettext("%(field)s is at most %(limit)s characters.")
                           % {"field": _FIELD_WORDS[label], "limit": limit})
    if data.supervisor_employee_id and data.supervisor_employee_id == employee_id:
        raise _problem("supervisor_employee_id", gettext("A person cannot be their own supervisor."))
    return {
        "name": name,
        "email": data.email.strip(),
        "phone": data.phone.strip(),
        "role_type": data.role_type,
        "specialty": data.specialty.strip(),
        "department": data.department.strip(),
        "rank": int(data.rank),
        "interventional": data.interventional,
        "site": data.site.strip(),
        "active": data.active,
        **self_identification_values(gender=data.gender, race_ethnicity=data.race_ethnicity,
                                     age_band=data.age_band),
        **language_value(data.language),
    }


def language_value(language: str | None) -> dict[str, Any]:
    """The checked language, if it was given (None: not given, left out)."""
    if language is None:
        return {}
    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        raise _problem("language", f"Unknown language {language!r}; use one of {', '.join(codes)}.")
    return {"language": language}


SELF_IDENTIFICATION_FIELDS = ("gender", "race_ethnicity", "age_band")
# Fields a write leaves as stored unless it gives them: the self-identification, and the language.
KEPT_UNLESS_GIVEN = (*SELF_IDENTIFICATION_FIELDS, "language")


def self_identification_values(*, gender: str | None, race_ethnicity: Sequence[str] | None,
                               age_band: str | None) -> dict[str, Any]:
    """The checked self-identification fields that were given (None: not given, left out)."""
    values: dict[str, Any] = {}
    if gender is not None:
        if gender not in ("", *Gender.values):
            raise _problem("gender", f"Unknown gender {gender!r}; use one of {', '.join(Gender.values)}, "
                                     "or an empty string for none.")
        values["gender"] = gender
    if race_ethnicity is not None:
        try:
            values["race_ethnicity"] = race_ethnicity_values(race_ethnicity)
        except ValueError as exc:
            raise _problem("race_ethnicity", str(exc)) from None
    if age_band is not None:
        if age_band not in ("", *AgeBand.values):
            raise _problem("age_band", f"Unknown age_band {age_band!r}; use one of {', '.join(AgeBand.values)}, "
                                       "or an empty string for none.")
        values["age_band"] = age_band
    return values


def person_describe_self(*, actor: User, gender: str, race_ethnicity: Sequence[str], age_band: str) -> Person:
    """The signed-in person's own answers about themself (the "About me" page): theirs alone.

    The audit entry says that they changed them, never what they are."""
    if not actor.is_authenticated or not actor.is_active or actor.person_id is None:
        raise PermissionDenied(gettext("Only a person on the staff roster describes themself here."))
    values = self_identification_values(gender=gender, race_ethnicity=race_ethnicity, age_band=age_band)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=actor.person_id)
        for name, value in values.items():
            setattr(person, name, value)
        person.updated_at = timezone.now()
        person.save(update_fields=[*values, "updated_at"])
        audit_record(actor=actor, action="person.self_describe", obj=person)
    return person


def person_upsert(*, actor: User | None, employee_id: str, data: PersonInput) -> tuple[Person, bool]:
    """Create or update a roster entry. Returns (person, created)."""
    employee_id = _clean_employee_id(employee_id)
    values: dict[str, Any] = _person_values(employee_id, data)
    program_id = writer_program(actor)
    if program_id is not None and program_id_for_site(values["site"]) != program_id:
        # A director or administrator adds or moves people within their own program only.
        raise _problem("site", another_programs_site(values["site"]))
    supervisor = None
    if data.supervisor_employee_id:
        supervisor = Person.objects.filter(employee_id=data.supervisor_employee_id).first()
        if supervisor is None:
            raise _problem("supervisor_employee_id",
                           f"Unknown supervisor_employee_id: {data.supervisor_employee_id}.")
    values["supervisor"] = supervisor
    values["updated_at"] = timezone.now()
    try:
        with transaction.atomic():
            person, created = Person.objects.select_for_update().update_or_create(
                employee_id=employee_id, defaults=values
            )
            audit_record(actor=actor, action="person.create" if created else "person.update",
                         obj=person, detail={"employee_id": employee_id})
    except IntegrityError:
        raise InvalidInput(gettext("%(employee_id)s was changed by someone else at the same moment; try again.")
                           % {"employee_id": employee_id}) from None
    return person, created


def _supporter_values(data: SupporterInput) -> dict[str, Any]:
    """The checked fields of a supporter record; shared by the single PUT and the batch."""
    if data.status not in SupporterStatus.values:
        raise _problem("status",
                       f"Unknown status {data.status!r}; use one of {', '.join(SupporterStatus.values)}.")
    if data.capacity is not None and not 0 <= data.capacity <= 20:
        raise _problem("capacity", "capacity is a number of cases from 0 to 20.")
    unknown = [e for e in data.experience if e not in Experience.values]
    if unknown:
        raise _problem("experience",
                       f"Unknown experience {unknown[0]!r}; use one of {', '.join(Experience.values)}.")
    if data.trained_on and data.trained_on > timezone.localdate():
        raise _problem("trained_on", "trained_on is in the future.")
    values: dict[str, Any] = {
        "status": data.status,
        "capacity": data.capacity,
        "trained_on": data.trained_on,
        "experience": sorted(set(data.experience)),
        "paused_until": data.paused_until,
        "on_call": data.on_call,
    }
    if data.shared_across_programs is not None:
        values["shared_across_programs"] = data.shared_across_programs
    return values


def _training_problem(values: dict[str, Any], status_before: str | None,
                      initial_on: date | None) -> InvalidInput | None:
    """The training rule (peersupport/training): a supporter becomes active only once their
    initial training is recorded. One already active stays so (records from before the rule).
    An active supporter's `trained_on`, when not given, is their recorded initial training's date."""
    if values["status"] != SupporterStatus.ACTIVE:
        return None
    if status_before != SupporterStatus.ACTIVE and initial_on is None:
        return _problem("status", "A supporter becomes active only once their initial training is recorded: "
                                  "record their attendance of an initial training session first.")
    if values["trained_on"] is None:
        values["trained_on"] = initial_on
    if values["trained_on"] is None:
        return _problem("trained_on", "An active supporter needs a training date (trained_on).")
    return None


def supporter_upsert(*, actor: User | None, employee_id: str, data: SupporterInput) -> tuple[Supporter, bool]:
    """Make a person a supporter, or update their status, limit, training and experience."""
    person = Person.objects.filter(employee_id=employee_id).first()
    if person is None:
        raise _problem("employee_id",
                       f"Unknown employee_id: {employee_id}. Add the person to the roster first.")
    values = _supporter_values(data)
    values["updated_at"] = timezone.now()
    with transaction.atomic():
        before = Supporter.objects.select_for_update().filter(person=person).values_list("status", flat=True).first()
        problem = _training_problem(values, before, initial_training_dates([person.pk]).get(person.pk))
        if problem is not None:
            raise problem
        supporter, created = Supporter.objects.update_or_create(person=person, defaults=values)
        audit_record(actor=actor, action="supporter.create" if created else "supporter.update",
                     obj=supporter, detail={"employee_id": employee_id, "status": data.status})
    return supporter, created


# Batches: the roster feed's bulk path ---------------------------------------------------------

BATCH_LIMIT = 1_000
_LISTED_IN_DETAIL = 10
PERSON_FIELDS = ("name", "email", "phone", "role_type", "specialty", "department", "rank",
                 "interventional", "site", "active", *KEPT_UNLESS_GIVEN)
# What a new person's self-identification and language are when the batch does not give them.
_NOT_GIVEN: dict[str, Any] = {"gender": "", "race_ethnicity": [], "age_band": "", "language": "en"}
SUPPORTER_FIELDS = ("status", "capacity", "trained_on", "experience", "paused_until", "on_call")


@dataclass(frozen=True)
class BatchCounts:
    created: int
    updated: int
    unchanged: int


@contextmanager
def _whole_batch_per_query() -> Iterator[None]:
    """Django assumes SQLite's historical limit of 999 parameters a query and would split 1,000
    people into 14 inserts; SQLite itself (3.32 and later) takes 32,766, so a batch is one insert.
    PostgreSQL has no such limit."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    features = connection.features
    previous = features.max_query_params
    features.max_query_params = max(previous, limit)  # this connection only, restored below
    try:
        yield
    finally:
        features.max_query_params = previous


@dataclass(frozen=True)
class _Problem:
    index: int
    field: str
    message: str


def _item_problem(index: int, exc: InvalidInput | str, field: str = "") -> _Problem:
    if isinstance(exc, str):
        return _Problem(index, field, exc)
    if not field and exc.errors:
        loc = exc.errors[0].get("loc")
        field = str(loc[0]) if isinstance(loc, list) and loc else ""
    return _Problem(index, field, exc.detail)


def _refuse_batch(kind: str, problems: list[_Problem]) -> InvalidInput:
    problems = sorted(problems, key=lambda p: p.index)
    listed = "; ".join(f"{kind}.{p.index}.{p.field}: {p.message}" for p in problems[:_LISTED_IN_DETAIL])
    more = len(problems) - _LISTED_IN_DETAIL
    suffix = f"; and {more} more (see errors)" if more > 0 else ""
    bad = len({p.index for p in problems})
    return InvalidInput(
        f"Nothing was changed: {bad} of the {kind} {'is' if bad == 1 else 'are'} invalid. {listed}{suffix}",
        errors=[{"loc": [kind, p.index, p.field], "msg": p.message, "type": "value_error"} for p in problems],
    )


def writer_program(actor: User | None) -> int | None:
    """The one program whose roster this writer may change: a director's or administrator's own
    (their tokens' too); None for the installation's HR feed (an integration login) and the
    operator's commands, which write every program's people."""
    if actor is not None and actor.role in PROGRAM_STAFF:
        return actor.program_pk
    return None


def another_programs_person(employee_id: str) -> str:
    return gettext("%(employee_id)s is on another program's roster: only that program's director or "
                   "administrator can change it.") % {"employee_id": employee_id}


def another_programs_site(site: str) -> str:
    return gettext("The site %(site)s belongs to another program: only that program's director or "
                   "administrator can add or move people there.") % {"site": site or gettext("(none)")}


def program_problems(values: dict[str, dict[str, Any]], program_id: int | None, *,
                     program_of_person: Mapping[str, int | None]) -> dict[str, tuple[str, str]]:
    """The entries a writer limited to one program may not write: (field, message) by employee id.

    Another program's person (`program_of_person`, as stored) is refused, and so is an entry
    whose site would put it in another program (new there, or moved there)."""
    if program_id is None:
        return {}
    refused: dict[str, tuple[str, str]] = {}
    program_of_site = site_mapping()
    for employee_id, fields in values.items():
        stored = program_of_person.get(employee_id, program_id)
        if stored is not None and stored != program_id:
            refused[employee_id] = ("employee_id", another_programs_person(employee_id))
        elif program_id_for_site(fields.get("site", ""), program_of_site) != program_id:
            refused[employee_id] = ("site", another_programs_site(fields.get("site", "")))
    return refused


def _check_size(kind: str, count: int) -> None:
    if count > BATCH_LIMIT:
        raise InvalidInput(f"At most {BATCH_LIMIT:,} {kind} a call; this one has {count:,}.")


def people_upsert_batch(*, actor: User | None, items: Sequence[tuple[str, PersonInput]]) -> BatchCounts:
    """Create or update up to 1,000 roster entries, all or nothing, with the single PUT's rules.

    Every item is checked first; any problem refuses the whole batch, naming each bad item by its
    index and field. Supervisors may be named later in the same batch or already be on the roster.
    Then one upsert writes the new and changed entries (unchanged ones are left alone; one upsert
    per set of self-identification fields the items give, see below), a second
    sets the supervisors who were created in this batch, and one audit entry records the counts.
    The number of queries does not depend on the batch's size."""
    _check_size("people", len(items))
    problems: list[_Problem] = []
    values: dict[str, dict[str, Any]] = {}
    index_of: dict[str, int] = {}
    supervisor_of: dict[str, str] = {}
    for index, (raw_id, data) in enumerate(items):
        try:
            employee_id = _clean_employee_id(raw_id)
        except InvalidInput as exc:
            problems.append(_item_problem(index, exc, "employee_id"))
            continue
        if employee_id in index_of:
            problems.append(_item_problem(
                index, f"{employee_id} is already item {index_of[employee_id]} of this batch.",
                "employee_id"))
            continue
        index_of[employee_id] = index
        try:
            values[employee_id] = _person_values(employee_id, data)
        except InvalidInput as exc:
            problems.append(_item_problem(index, exc))
            continue
        if data.supervisor_employee_id:
            supervisor_of[employee_id] = data.supervisor_employee_id

    with transaction.atomic(), _whole_batch_per_query():
        # The people of the batch and the supervisors outside it, as they are now.
        outside = {s for s in supervisor_of.values() if s not in index_of}
        pk_of: dict[str, int] = dict(
            Person.objects.filter(employee_id__in=outside).values_list("employee_id", "pk"))
        for employee_id, supervisor in supervisor_of.items():
            if supervisor not in index_of and supervisor not in pk_of:
                problems.append(_item_problem(index_of[employee_id],
                                              f"Unknown supervisor_employee_id: {supervisor}.",
                                              "supervisor_employee_id"))
        # A director or administrator writes their own program's people only (one query).
        program_id = writer_program(actor)
        if program_id is not None:
            stored_program = dict(Person.objects.filter(employee_id__in=list(values)).values_list(
                "employee_id", "program_id"))
            for employee_id, (field, message) in program_problems(
                    values, program_id, program_of_person=stored_program).items():
                problems.append(_item_problem(index_of[employee_id], message, field))
        if problems:
            raise _refuse_batch("people", problems)
        existing = {
            row["employee_id"]: row
            for row in Person.objects.filter(employee_id__in=list(values)).values(
                "pk", "employee_id", "supervisor_id", *PERSON_FIELDS)
        }
        pk_of.update((employee_id, row["pk"]) for employee_id, row in existing.items())

        later: list[tuple[str, str]] = []  # (person, supervisor) both created in this batch
        written, unchanged = people_write(list(values), values=values, supervisor_of=supervisor_of,
                                          pk_of=pk_of, existing=existing, later=later, now=timezone.now())
        people_set_supervisors(later, pk_of)
        created = sum(1 for employee_id in values if employee_id not in existing)
        counts = BatchCounts(created=created, updated=written - created, unchanged=unchanged)
        if written:
            # bulk_create and update() send no signals: the suggestions' cached facts must reload.
            matching_version_bump()
        audit_record(actor=actor, action="roster.batch", object_type="person",
                     detail={"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged})
    return counts



def people_write(employee_ids: Sequence[str], *, values: dict[str, dict[str, Any]], supervisor_of: dict[str, str],
                 pk_of: dict[str, int], existing: dict[str, dict[str, Any]], later: list[tuple[str, str]],
                 now: Any) -> tuple[int, int]:
    """Write the new and changed roster entries among `employee_ids` (checked `values` from
    `_person_values`); returns (written, unchanged). The batch and the file import share it.

    A supervisor whose pk is not in `pk_of` yet (created in this write) is left to the second
    pass: the pair is appended to `later` for `people_set_supervisors`."""
    # The writes by which self-identification fields their item gave (see below).
    writes: dict[frozenset[str], list[Person]] = {}
    unchanged = 0
    # Each person's program follows their site (program.ProgramSite): one query for the batch.
    program_of_site = site_mapping()
    for employee_id in employee_ids:
        fields = values[employee_id]
        named = supervisor_of.get(employee_id)
        supervisor_pk = pk_of.get(named) if named else None
        pending = named is not None and supervisor_pk is None
        if named is not None and pending:
            later.append((employee_id, named))
        before = existing.get(employee_id)
        given = frozenset(name for name in KEPT_UNLESS_GIVEN if name in fields)
        for name in KEPT_UNLESS_GIVEN:
            # Not given: kept as stored (or blank for someone new), like the single PUT.
            fields.setdefault(name, before[name] if before is not None else _NOT_GIVEN[name])
        if (before is not None and not pending and supervisor_pk == before["supervisor_id"]
                and all(before[name] == fields[name] for name in PERSON_FIELDS)):
            unchanged += 1
            continue
        writes.setdefault(given, []).append(
            Person(employee_id=employee_id, supervisor_id=supervisor_pk, updated_at=now,
                   program_id=program_id_for_site(fields.get("site", ""), program_of_site), **fields))
    # An existing entry gets only the self-identification its item gave: an answer the person
    # saves on their own page while the batch runs is not overwritten with the one read above.
    # One upsert per set of fields given (at most sixteen; one for a feed that always sends the same).
    for given, people in writes.items():
        kept = [name for name in KEPT_UNLESS_GIVEN if name not in given]
        # email_hash: pre_save derives it for each row inserted, and the conflict's update sets it too.
        Person.objects.bulk_create(people, update_conflicts=True, unique_fields=["employee_id"],
                                   update_fields=[*(f for f in PERSON_FIELDS if f not in kept),
                                                  "email_hash", "supervisor", "program", "updated_at"])
    return sum(len(people) for people in writes.values()), unchanged


def people_set_supervisors(later: Sequence[tuple[str, str]], pk_of: dict[str, int]) -> None:
    """Second pass: supervisors who did not exist until the write above, one UPDATE a chunk of
    BATCH_LIMIT people."""
    if not later:
        return
    missing = {s for _, s in later if s not in pk_of}
    for start in range(0, len(missing), BATCH_LIMIT):
        chunk = list(missing)[start:start + BATCH_LIMIT]
        pk_of.update(Person.objects.filter(employee_id__in=chunk).values_list("employee_id", "pk"))
    for start in range(0, len(later), BATCH_LIMIT):
        staff_of: dict[str, list[str]] = {}
        for employee_id, supervisor in later[start:start + BATCH_LIMIT]:
            staff_of.setdefault(supervisor, []).append(employee_id)
        Person.objects.filter(employee_id__in=[e for staff in staff_of.values() for e in staff]).update(
            supervisor_id=Case(*(When(employee_id__in=staff, then=Value(pk_of[s])) for s, staff in staff_of.items())))


def supporters_upsert_batch(*, actor: User | None, items: Sequence[tuple[str, SupporterInput]]) -> BatchCounts:
    """Make or update up to 1,000 supporter records, all or nothing, with the single PUT's rules.

    An employee id not on the roster makes its item invalid, and so does making someone active
    without a recorded initial training. One upsert writes the new and changed records, and one
    audit entry records the counts."""

    _check_size("supporters", len(items))
    problems: list[_Problem] = []
    values: dict[str, dict[str, Any]] = {}
    index_of: dict[str, int] = {}
    for index, (employee_id, data) in enumerate(items):
        if employee_id in index_of:
            problems.append(_item_problem(
                index, f"{employee_id} is already item {index_of[employee_id]} of this batch.",
                "employee_id"))
            continue
        index_of[employee_id] = index
        try:
            values[employee_id] = _supporter_values(data)
        except InvalidInput as exc:
            problems.append(_item_problem(index, exc))

    with transaction.atomic(), _whole_batch_per_query():
        program_of_person: dict[str, int | None] = {}
        person_of: dict[str, int] = {}
        for employee_id, pk, person_program in Person.objects.filter(employee_id__in=list(index_of)).values_list(
                "employee_id", "pk", "program_id"):
            person_of[employee_id] = pk
            program_of_person[employee_id] = person_program
        # A director or administrator manages their own program's supporters only.
        program_id = writer_program(actor)
        for employee_id, index in index_of.items():
            if (program_id is not None and employee_id in person_of
                    and program_of_person[employee_id] != program_id):
                problems.append(_item_problem(index, another_programs_person(employee_id), "employee_id"))
                del person_of[employee_id]
            elif employee_id not in person_of:
                problems.append(_item_problem(
                    index,
                    f"Unknown employee_id: {employee_id}. Add the person to the roster first.", "employee_id"))
        existing = {
            row["person_id"]: row
            for row in Supporter.objects.filter(person_id__in=list(person_of.values())).values(
                "person_id", *SUPPORTER_FIELDS)
        }
        # The training rule, as the single PUT applies it: one query for the whole batch.
        trained = initial_training_dates(person_of[e] for e, fields in values.items()
                                         if fields["status"] == SupporterStatus.ACTIVE and e in person_of)
        for employee_id, fields in values.items():
            if employee_id not in person_of:
                continue
            before_row = existing.get(person_of[employee_id])
            problem = _training_problem(fields, before_row["status"] if before_row else None,
                                        trained.get(person_of[employee_id]))
            if problem is not None:
                problems.append(_item_problem(index_of[employee_id], problem))
        if problems:
            raise _refuse_batch("supporters", problems)
        now = timezone.now()
        writes: list[Supporter] = []
        created = unchanged = 0
        for employee_id, fields in values.items():
            person_pk = person_of[employee_id]
            before = existing.get(person_pk)
            if before is None:
                created += 1
            elif all(before[name] == fields[name] for name in SUPPORTER_FIELDS):
                unchanged += 1
                continue
            writes.append(Supporter(person_id=person_pk, updated_at=now, **fields))
        Supporter.objects.bulk_create(writes, update_conflicts=True, unique_fields=["person"],
                                      update_fields=[*SUPPORTER_FIELDS, "updated_at"])
        counts = BatchCounts(created=created, updated=len(writes) - created, unchanged=unchanged)
        if writes:
            matching_version_bump()  # as above: no signals from bulk_create
        audit_record(actor=actor, action="supporter.batch", object_type="supporter",
                     detail={"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged})
    return counts
