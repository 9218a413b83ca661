"""Factories for tests of group debriefs (and the access walk's world): written directly, no emails."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from peersupport.debriefs.models import DebriefSession, Invitee
from peersupport.roster.models import Person, Supporter


def make_debrief(one: Supporter, two: Supporter, *, starts_at: datetime | None = None, hours: int = 1,
                 invite: list[Person] | None = None, **fields: Any) -> DebriefSession:
    starts_at = starts_at or timezone.now() + timedelta(days=2)
    values: dict[str, Any] = {"category": "patient_death", "event_on": timezone.localdate() - timedelta(days=1),
                              "team_name": "Code team", "facilitator_one": one, "facilitator_two": two,
                              "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=hours),
                              "place": "Chapel meeting room", "time_zone": settings.TIME_ZONE,
                              # The program of its first facilitator, as a director of theirs would open it.
                              "program_id": one.person.program_id}
    values.update(fields)
    session = DebriefSession.objects.create(**values)
    Invitee.objects.bulk_create([Invitee(session=session, person=person) for person in invite or []])
    return session


def debrief_form_body(one: Supporter, two: Supporter, *, days_ahead: int = 2) -> dict[str, str]:
    start = timezone.localtime(timezone.now() + timedelta(days=days_ahead)).replace(hour=14, minute=0)
    return {"category": "patient_death", "event_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "department": "", "team_name": "Code team",
            "facilitator_one": one.person.employee_id, "facilitator_two": two.person.employee_id,
            **time_place_body(start)}


def time_place_body(start: datetime, *, place: str = "Chapel meeting room") -> dict[str, str]:
    return {"starts_at": f"{start:%Y-%m-%dT%H:%M}", "ends_at": f"{start + timedelta(hours=1):%Y-%m-%dT%H:%M}",
            "place": place}
