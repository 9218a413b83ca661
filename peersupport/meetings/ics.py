"""The calendar file sent with each meeting email (RFC 5545, through the icalendar library).

Every version of a meeting's event carries the meeting's one UID. An update is METHOD:REQUEST with
a higher SEQUENCE, so calendar clients replace the event they hold; a cancellation is
METHOD:CANCEL with the same UID, so they remove it.
"""

from datetime import datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from peersupport.meetings.models import Meeting

REQUEST = "REQUEST"
CANCEL = "CANCEL"
FILE_NAME = "meeting.ics"
PRODUCT_ID = "-//Peer Support Program//Supporter meetings//EN"


def content_type(method: str) -> str:
    return f"text/calendar; method={method}"


def meeting_ics(meeting: Meeting, *, method: str, attendee_email: str, now: datetime) -> str:
    """The meeting as one calendar event for one invited supporter."""
    zone = ZoneInfo(meeting.time_zone)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"{meeting.uid}@{_domain()}")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", meeting.title)
    event.add("location", meeting.place)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_organizer_email()}")
    organizer.params["cn"] = vText("Peer Support Program")
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = vText("FALSE")  # answers come through the personal link, not the calendar
    event.add("attendee", attendee)
    calendar.add_component(event)
    # The zone's definition (VTIMEZONE), so a client in another zone shows the right hour.
    calendar.add_missing_timezones()
    content: bytes = calendar.to_ical()
    return content.decode()


def _organizer_email() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "peersupport@localhost"


def _domain() -> str:
    domain = _organizer_email().rpartition("@")[2]
    return domain if "." in domain else "peersupport.local"
