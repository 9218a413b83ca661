"""Factories for tests of meetings (and the access walk's world): written directly, no emails."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from peersupport.meetings.models import Invitation, Meeting
from peersupport.program.models import Program
from peersupport.roster.models import Supporter


def make_meeting(*, starts_at: datetime | None = None, hours: int = 2, invite: list[Supporter] | None = None,
                 **fields: Any) -> Meeting:
    starts_at = starts_at or timezone.now() + timedelta(days=14)
    values: dict[str, Any] = {"title": "Quarterly supporter meeting", "place": "Conference room B",
                              "time_zone": settings.TIME_ZONE, "starts_at": starts_at,
                              "ends_at": starts_at + timedelta(hours=hours)}
    values.update(fields)
    values.setdefault("program", Program.default())
    meeting = Meeting.objects.create(**values)
    Invitation.objects.bulk_create([Invitation(meeting=meeting, supporter=s) for s in invite or []])
    return meeting


def meeting_for_access_checks() -> Meeting:
    """An upcoming meeting of the default program, so that every page about one answers (changes
    are rolled back), and another program's staff find it on none (404)."""
    program = Program.default()
    return (Meeting.objects.filter(ends_at__gt=timezone.now(), program=program).order_by("pk").first()
            or make_meeting(program=program))


def meeting_form_body(days_ahead: int = 21) -> dict[str, str]:
    start = timezone.localtime(timezone.now() + timedelta(days=days_ahead)).replace(hour=17, minute=30)
    return {"title": "Quarterly supporter meeting", "place": "Conference room B",
            "starts_at": f"{start:%Y-%m-%dT%H:%M}", "ends_at": f"{start + timedelta(hours=2):%Y-%m-%dT%H:%M}"}


SCENARIO_BODY = {"title": "A hard night", "category": "medical_error", "role_type": "nurse",
                 "situation": "An invented situation for practice.", "feelings": "Worried and tired."}
