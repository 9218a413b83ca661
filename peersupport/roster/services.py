"""Changes to the roster: people (from HR feeds or by hand) and supporters."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.utils import timezone

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record, audited_atomic
from peersupport.lib.errors import InvalidInput
from peersupport.roster.models import Experience, Person, RoleType, Supporter, SupporterStatus


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
    gender: str = ""
    active: bool = True


@dataclass(frozen=True)
class SupporterInput:
    status: str = SupporterStatus.NOMINATED
    capacity: int | None = None
    trained_on: date | None = None
    experience: tuple[str, ...] = ()
    paused_until: date | None = None
    on_call: bool = False


def _clean_employee_id(employee_id: str) -> str:
    employee_id = (employee_id or "").strip()
    if not employee_id or len(employee_id) > 40 or any(c.isspace() for c in employee_id):
        raise InvalidInput("An employee_id is 1 to 40 characters without spaces.")
    return employee_id


def person_upsert(*, actor: User | None, employee_id: str, data: PersonInput) -> tuple[Person, bool]:
    """Create or update a roster entry. Returns (person, created)."""
    employee_id = _clean_employee_id(employee_id)
    name = " ".join((data.name or "").split())
    if not name or len(name) > 200:
        raise InvalidInput("A name is required (at most 200 characters).")
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            raise InvalidInput(f"{data.email!r} is not an email address.") from None
    if data.role_type not in RoleType.values:
        raise InvalidInput(f"Unknown role_type {data.role_type!r}; use one of {', '.join(RoleType.values)}.")
    if not 1 <= int(data.rank) <= 5:
        raise InvalidInput("rank is 1 (trainee) to 5 (chief/leader).")
    for label, value, limit in (("phone", data.phone, 40), ("specialty", data.specialty, 100),
                                ("department", data.department, 100), ("site", data.site, 100),
                                ("gender", data.gender, 40)):
        if len(value or "") > limit:
            raise InvalidInput(f"{label} is at most {limit} characters.")
    supervisor = None
    if data.supervisor_employee_id:
        if data.supervisor_employee_id == employee_id:
            raise InvalidInput("A person cannot be their own supervisor.")
        supervisor = Person.objects.filter(employee_id=data.supervisor_employee_id).first()
        if supervisor is None:
            raise InvalidInput(f"Unknown supervisor_employee_id: {data.supervisor_employee_id}.")
    values = {
        "name": name,
        "email": data.email.strip(),
        "phone": data.phone.strip(),
        "role_type": data.role_type,
        "specialty": data.specialty.strip(),
        "department": data.department.strip(),
        "rank": int(data.rank),
        "interventional": data.interventional,
        "supervisor": supervisor,
        "site": data.site.strip(),
        "gender": data.gender.strip(),
        "active": data.active,
        "updated_at": timezone.now(),
    }
    try:
        with audited_atomic():
            person, created = Person.objects.select_for_update().update_or_create(
                employee_id=employee_id, defaults=values
            )
            audit_record(actor=actor, action="person.create" if created else "person.update",
                         obj=person, detail={"employee_id": employee_id})
    except IntegrityError:
        raise InvalidInput(f"{employee_id} was changed by someone else at the same moment; try again.") from None
    return person, created


def supporter_upsert(*, actor: User | None, employee_id: str, data: SupporterInput) -> tuple[Supporter, bool]:
    """Make a person a supporter, or update their status, limit, training and experience."""
    person = Person.objects.filter(employee_id=employee_id).first()
    if person is None:
        raise InvalidInput(f"Unknown employee_id: {employee_id}. Add the person to the roster first.")
    if data.status not in SupporterStatus.values:
        raise InvalidInput(f"Unknown status {data.status!r}; use one of {', '.join(SupporterStatus.values)}.")
    if data.capacity is not None and not 0 <= data.capacity <= 20:
        raise InvalidInput("capacity is a number of cases from 0 to 20.")
    unknown = [e for e in data.experience if e not in Experience.values]
    if unknown:
        raise InvalidInput(f"Unknown experience {unknown[0]!r}; use one of {', '.join(Experience.values)}.")
    if data.status == SupporterStatus.ACTIVE and data.trained_on is None:
        raise InvalidInput("An active supporter needs a training date (trained_on).")
    if data.trained_on and data.trained_on > timezone.localdate():
        raise InvalidInput("trained_on is in the future.")
    values = {
        "status": data.status,
        "capacity": data.capacity,
        "trained_on": data.trained_on,
        "experience": sorted(set(data.experience)),
        "paused_until": data.paused_until,
        "on_call": data.on_call,
        "updated_at": timezone.now(),
    }
    with audited_atomic():
        supporter, created = Supporter.objects.update_or_create(person=person, defaults=values)
        audit_record(actor=actor, action="supporter.create" if created else "supporter.update",
                     obj=supporter, detail={"employee_id": employee_id, "status": data.status})
    return supporter, created
