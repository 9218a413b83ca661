"""A meeting invitation as a mail server receives it: the text, and the calendar file attached."""

from email.message import EmailMessage

from icalendar import Calendar

from peersupport.meetings.services import meeting_schedule
from peersupport.meetings.tests.helpers import event_of, meeting_input
from peersupport.notifications.services import outbox_flush
from peersupport.testing.factories import make_person, make_supporter


def calendar_part(received: EmailMessage) -> EmailMessage:
    [part] = [p for p in received.walk() if p.get_content_type() == "text/calendar"]
    assert isinstance(part, EmailMessage)
    return part


def test_the_invitation_arrives_with_its_calendar_file(smtp_server, director):
    make_supporter(make_person(name="Alex Active", email="alex@example.org"))
    meeting = meeting_schedule(actor=director, data=meeting_input(title="Winter supporter meeting"))

    assert outbox_flush() == 1

    [received] = smtp_server.wait_for(1)
    assert received["To"] == "alex@example.org"
    assert received["Subject"] == "You're invited: Winter supporter meeting"
    body = received.get_body(preferencelist=("plain",))
    assert body is not None and "Hello Alex," in body.get_content()
    part = calendar_part(received)
    assert part.get_filename() == "meeting.ics"
    assert part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(part.get_content())
    assert calendar["METHOD"] == "REQUEST"
    event = event_of(calendar)
    assert str(event["UID"]).startswith(str(meeting.uid))
    assert event.decoded("DTSTART") == meeting.starts_at
