import re
from datetime import datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from peersupport.debriefs.services import DebriefInput, TimePlaceInput
from peersupport.notifications.models import OutboxMessage
from peersupport.roster.models import Supporter


def debrief_input(one: Supporter, two: Supporter, *, days_ahead: int = 2, starts_at: datetime | None = None,
                  **fields: object) -> DebriefInput:
    start = starts_at or (timezone.now() + timedelta(days=days_ahead)).replace(second=0, microsecond=0)
    values: dict[str, object] = {
        "category": "patient_death", "event_on": timezone.localdate() - timedelta(days=1), "department": "",
        "team_name": "Code team", "facilitator_ids": (one.person.employee_id, two.person.employee_id),
        "starts_at": start, "ends_at": start + timedelta(hours=1), "place": "Chapel meeting room"}
    values.update(fields)
    return DebriefInput(**values)  # type: ignore[arg-type]  # the test's overrides, typed by the dataclass


def time_place(start: datetime, *, place: str = "Chapel meeting room") -> TimePlaceInput:
    return TimePlaceInput(starts_at=start, ends_at=start + timedelta(hours=1), place=place)


def mail_to(address: str, kind: str = "") -> list[OutboxMessage]:
    messages = OutboxMessage.objects.filter(to=address).order_by("pk")
    return list(messages.filter(kind=kind) if kind else messages)


def event_of(message: OutboxMessage) -> Event:
    [event] = Calendar.from_ical(message.attachment_content).walk("VEVENT")
    return event


def method_of(message: OutboxMessage) -> str:
    return str(Calendar.from_ical(message.attachment_content)["METHOD"])


def link_in(body: str) -> str:
    match = re.search(r"https?://\S+?(/support/debrief/[^/\s]+/)", body)
    assert match, f"no follow-up link in: {body}"
    return match.group(1)
