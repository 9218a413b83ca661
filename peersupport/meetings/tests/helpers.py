from datetime import datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from peersupport.meetings.services import MeetingInput
from peersupport.notifications.models import OutboxMessage


def meeting_input(*, days_ahead: int = 21, hours: int = 2, title: str = "Quarterly supporter meeting",
                  place: str = "Conference room B", starts_at: datetime | None = None) -> MeetingInput:
    start = starts_at or (timezone.now() + timedelta(days=days_ahead)).replace(second=0, microsecond=0)
    return MeetingInput(title=title, starts_at=start, ends_at=start + timedelta(hours=hours), place=place)


def calendar_of(message: OutboxMessage) -> Calendar:
    return Calendar.from_ical(message.attachment_content)


def event_of(calendar: Calendar) -> Event:
    [event] = calendar.walk("VEVENT")
    return event
