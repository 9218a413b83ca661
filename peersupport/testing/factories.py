"""Small factories for tests and the demo: sensible defaults, every field overridable."""

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from peersupport.accounts.models import Role, User
from peersupport.program.models import ProgramSettings
from peersupport.roster.models import Person, Supporter, SupporterStatus
from peersupport.training.models import Attendance, CourseKind

_seq = itertools.count(1)


def make_person(**fields: Any) -> Person:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "employee_id": f"T{n:05d}",
        "name": f"Test Person {n}",
        "email": f"person{n}@example.org",
        "phone": f"+1 555 {n:04d}",
        "role_type": "physician",
        "specialty": "Internal Medicine",
        "department": f"Department {n}",
        "rank": 3,
        "site": "Main Campus",
    }
    defaults.update(fields)
    return Person.objects.create(**defaults)


def make_supporter(person: Person | None = None, **fields: Any) -> Supporter:
    person = person or make_person()
    defaults: dict[str, Any] = {
        "status": SupporterStatus.ACTIVE,
        "capacity": 2,
        # Recent, so that no factory supporter's refresher ever falls due during a test.
        "trained_on": timezone.localdate() - timedelta(days=60),
    }
    defaults.update(fields)
    supporter = Supporter.objects.create(person=person, **defaults)
    if supporter.status in (SupporterStatus.ACTIVE, SupporterStatus.PAUSED) and supporter.trained_on:
        # The training rule: a supporter on the team has their initial training recorded.
        record_initial_training(person, on=supporter.trained_on)
    return supporter


def record_initial_training(person: Person, *, on: date | None = None) -> Attendance:
    """A completed initial training for `person` (a legacy record: no session needed)."""
    return Attendance.objects.create(person=person, kind=CourseKind.INITIAL, completed=True, legacy=True,
                                     trained_on=on or timezone.localdate() - timedelta(days=60))


def make_user(role: str = Role.REFERRER, person: Person | None = None, **fields: Any) -> User:
    n = next(_seq)
    email = fields.pop("email", f"{role}{n}@example.org")
    password = fields.pop("password", "correct horse battery staple")
    user = User.objects.create_user(
        username=email, email=email, password=password, role=role, person=person, **fields
    )
    return user


def program_settings(**fields: Any) -> ProgramSettings:
    """The default program's settings with these fields changed, saved (a test's program rules).

    Never by primary key: on PostgreSQL a test's rows do not start from id 1."""
    settings = ProgramSettings.current()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings
