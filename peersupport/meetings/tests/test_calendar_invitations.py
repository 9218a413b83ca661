"""The calendar file of each meeting email, parsed back with icalendar: one UID for the meeting, a
higher SEQUENCE with every change (so the update replaces the event), METHOD:CANCEL to remove it."""

import pytest

from peersupport.meetings.ics import CANCEL, REQUEST
from peersupport.meetings.models import Invitation
from peersupport.meetings.services import meeting_cancel, meeting_schedule, meeting_update
from peersupport.meetings.tests.helpers import calendar_of, event_of, meeting_input
from peersupport.notifications.models import OutboxMessage, OutboxPriority
from peersupport.roster.models import SupporterStatus
from peersupport.testing.factories import make_person, make_supporter


@pytest.fixture
def team(db):
    return [
        make_supporter(make_person(name="Alex Active", email="alex@example.org")),
        make_supporter(make_person(name="Tess Trainee", email="tess@example.org"), status=SupporterStatus.IN_TRAINING),
    ]


def mail(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind).order_by("to"))


def test_scheduling_invites_the_active_and_in_training_team_with_a_calendar_request(director, team):
    make_supporter(make_person(email="nina@example.org"), status=SupporterStatus.NOMINATED)
    make_supporter(make_person(email="rita@example.org"), status=SupporterStatus.RETIRED)

    meeting = meeting_schedule(actor=director, data=meeting_input())

    invitations = mail("meeting_invitation")
    assert [m.to for m in invitations] == ["alex@example.org", "tess@example.org"]
    assert Invitation.objects.filter(meeting=meeting).count() == 2
    for message in invitations:
        assert message.priority == OutboxPriority.NORMAL
        assert message.attachment_name == "meeting.ics"
        assert message.attachment_type == "text/calendar; method=REQUEST"
        calendar = calendar_of(message)
        assert calendar["METHOD"] == REQUEST
        event = event_of(calendar)
        assert str(event["UID"]).startswith(str(meeting.uid))
        assert event["SEQUENCE"] == 0
        assert event.decoded("DTSTART") == meeting.starts_at
        assert event.decoded("DTEND") == meeting.ends_at
        assert str(event["SUMMARY"]) == meeting.title
        assert str(event["LOCATION"]) == meeting.place
        assert str(event["ATTENDEE"]) == f"mailto:{message.to}"
        assert "/meetings/rsvp/" in message.body


def test_an_update_keeps_the_uid_and_raises_the_sequence_so_it_replaces_the_event(director, team):
    meeting = meeting_schedule(actor=director, data=meeting_input())
    [first, _] = mail("meeting_invitation")

    meeting_update(actor=director, meeting_id=meeting.pk, data=meeting_input(days_ahead=28, place="Library"))

    [update, _] = mail("meeting_update")
    before, after = event_of(calendar_of(first)), event_of(calendar_of(update))
    assert calendar_of(update)["METHOD"] == REQUEST
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert str(after["LOCATION"]) == "Library"
    assert after.decoded("DTSTART") > before.decoded("DTSTART")


def test_a_cancellation_has_method_cancel_and_the_same_uid(director, team):
    meeting = meeting_schedule(actor=director, data=meeting_input())
    meeting_update(actor=director, meeting_id=meeting.pk, data=meeting_input(days_ahead=28))
    [first, _] = mail("meeting_invitation")

    meeting_cancel(actor=director, meeting_id=meeting.pk)

    [cancellation, _] = mail("meeting_cancellation")
    calendar = calendar_of(cancellation)
    assert calendar["METHOD"] == CANCEL
    assert cancellation.attachment_type == "text/calendar; method=CANCEL"
    event = event_of(calendar)
    assert event["UID"] == event_of(calendar_of(first))["UID"]
    assert event["SEQUENCE"] == 2
    assert event["STATUS"] == "CANCELLED"


def test_the_event_carries_the_program_time_zone_with_its_definition(director, team, settings):
    settings.TIME_ZONE = "America/Chicago"
    meeting = meeting_schedule(actor=director, data=meeting_input())
    assert meeting.time_zone == "America/Chicago"
    calendar = calendar_of(mail("meeting_invitation")[0])
    event = event_of(calendar)
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]


def test_someone_who_joined_the_team_after_the_invitations_is_invited_with_the_update(director, team):
    meeting = meeting_schedule(actor=director, data=meeting_input())
    make_supporter(make_person(email="newcomer@example.org"))

    meeting_update(actor=director, meeting_id=meeting.pk, data=meeting_input(days_ahead=28))

    assert [m.to for m in mail("meeting_update")] == ["alex@example.org", "tess@example.org"]
    welcome = OutboxMessage.objects.get(kind="meeting_invitation", to="newcomer@example.org")
    assert event_of(calendar_of(welcome))["SEQUENCE"] == 1
