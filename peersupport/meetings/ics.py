"""The calendar file sent with each meeting email, and each group debrief's (RFC 5545, through
the icalendar library).

Every version of a meeting's event carries the meeting's one UID. An update is METHOD:REQUEST with
a higher SEQUENCE, so calendar clients replace the event they hold; a cancellation is
METHOD:CANCEL with the same UID, so they remove it.
"""

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext
from icalendar import Calendar, Event, vCalAddress, vText

from peersupport.meetings.models import Meeting

REQUEST = "REQUEST"
CANCEL = "CANCEL"
FILE_NAME = "meeting.ics"
PRODUCT_ID = "-//Peer Support Program//Supporter meetings//EN"


def content_type(method: str) -> str:
    return f"text/calendar; method={method}"


def meeting_ics(meeting: Meeting, *, method: str, attendee_email: str, now: datetime) -> str:
    """The meeting as one calendar event for one invited supporter (its words in the active
    language: the caller renders it in the supporter's)."""
    return event_ics(CalendarEvent(uid=meeting.uid, sequence=meeting.sequence, starts_at=meeting.starts_at,
                                   ends_at=meeting.ends_at, time_zone=meeting.time_zone, summary=meeting.title,
                                   place=meeting.place),
                     method=method, attendee_email=attendee_email, now=now)


@dataclass(frozen=True)
class CalendarEvent:
    """What a calendar needs of an event the program invites people to (a meeting, a group debrief)."""

    uid: UUID
    sequence: int
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    summary: str
    place: str
    product_id: str = PRODUCT_ID


def event_ics(event: CalendarEvent, *, method: str, attendee_email: str, now: datetime) -> str:
    """One calendar event for one invited person: METHOD:REQUEST (new or changed) or CANCEL."""
    zone = ZoneInfo(event.time_zone)
    calendar = Calendar()
    calendar.add("prodid", event.product_id)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    entry = Event()
    entry.add("uid", f"{event.uid}@{_domain()}")
    entry.add("sequence", event.sequence)
    entry.add("dtstamp", now)
    entry.add("dtstart", event.starts_at.astimezone(zone))
    entry.add("dtend", event.ends_at.astimezone(zone))
    entry.add("summary", event.summary)
    entry.add("location", event.place)
    entry.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_organizer_email()}")
    organizer.params["cn"] = vText(gettext("Peer Support Program"))
    entry.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = vText("FALSE")  # answers come through the personal link, not the calendar
    entry.add("attendee", attendee)
    calendar.add_component(entry)
    # The zone's definition (VTIMEZONE), so a client in another zone shows the right hour.
    calendar.add_missing_timezones()
    content: bytes = calendar.to_ical()
    return content.decode()


def _organizer_email() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "peersupport@localhost"


def _domain() -> str:
    domain = _organizer_email().rpartition("@")[2]
    return domain if "." in domain else "peersupport.local"
