"""Factories for tests of publicity (and the access walk's world): written directly, not audited."""

from datetime import date, timedelta

from django.utils import timezone

from peersupport.program.models import Program
from peersupport.publicity.models import PublicityDate, PublicityPlace


def make_place(name: str = "Nursing town hall", program: Program | None = None) -> PublicityPlace:
    """A place on a program's checklist (the default program's unless named)."""
    program = program or Program.default()
    return PublicityPlace.objects.get_or_create(program=program, name=name, defaults={"position": 50})[0]


def make_publicity_date(place: PublicityPlace | None = None, done_on: date | None = None) -> PublicityDate:
    place = place or make_place()
    done_on = done_on or timezone.localdate() - timedelta(days=30)
    return PublicityDate.objects.get_or_create(place=place, done_on=done_on)[0]


def publicity_place_for_access_checks() -> PublicityPlace:
    return make_place("Access walk rounds")


def publicity_date_for_access_checks() -> PublicityDate:
    return make_publicity_date(publicity_place_for_access_checks())
