"""The friendly note after two missed meetings in a row: sent by the reminders job, once per streak."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from peersupport.cases.timeliness import send_due_notices
from peersupport.meetings.models import Invitation
from peersupport.meetings.services import meeting_record_attendance, meetings_nudge_missed
from peersupport.meetings.testing import make_meeting
from peersupport.notifications.models import OutboxMessage, OutboxPriority


@pytest.fixture
def team(supporter_a, supporter_b):
    return [supporter_a, supporter_b]


def past_meeting(director, team, *, weeks_ago: int, came: list):
    meeting = make_meeting(starts_at=timezone.now() - timedelta(weeks=weeks_ago), invite=team)
    meeting_record_attendance(actor=director, meeting_id=meeting.pk, attended={s.pk for s in came})
    return meeting


def nudges() -> list[str]:
    return list(OutboxMessage.objects.filter(kind="meeting_nudge").values_list("to", flat=True))


def test_a_supporter_who_missed_two_in_a_row_is_nudged_once(director, team, supporter_a, supporter_b):
    past_meeting(director, team, weeks_ago=26, came=[supporter_a, supporter_b])
    past_meeting(director, team, weeks_ago=13, came=[supporter_a])
    past_meeting(director, team, weeks_ago=1, came=[supporter_a])

    send_due_notices()
    send_due_notices()  # a re-run sends nothing more

    assert nudges() == [supporter_b.person.email]
    message = OutboxMessage.objects.get(kind="meeting_nudge")
    assert message.priority == OutboxPriority.NORMAL
    assert "missed you" in message.body


def test_one_missed_meeting_brings_no_nudge(director, team, supporter_b):
    past_meeting(director, team, weeks_ago=13, came=team)
    past_meeting(director, team, weeks_ago=1, came=[])
    assert meetings_nudge_missed() == 0


def test_a_third_miss_in_the_same_streak_brings_no_second_nudge(director, team, supporter_a):
    past_meeting(director, team, weeks_ago=26, came=[supporter_a])
    past_meeting(director, team, weeks_ago=13, came=[supporter_a])
    assert meetings_nudge_missed() == 1

    past_meeting(director, team, weeks_ago=1, came=[supporter_a])
    assert meetings_nudge_missed() == 0


def test_a_new_streak_after_coming_back_brings_a_new_nudge(director, team, supporter_a, supporter_b):
    past_meeting(director, team, weeks_ago=40, came=[supporter_a])
    past_meeting(director, team, weeks_ago=30, came=[supporter_a])
    assert meetings_nudge_missed() == 1
    past_meeting(director, team, weeks_ago=20, came=team)
    past_meeting(director, team, weeks_ago=10, came=[supporter_a])
    past_meeting(director, team, weeks_ago=1, came=[supporter_a])

    assert meetings_nudge_missed() == 1
    assert nudges() == [supporter_b.person.email] * 2


def test_meetings_without_recorded_attendance_do_not_count(director, team):
    make_meeting(starts_at=timezone.now() - timedelta(weeks=13), invite=team)
    make_meeting(starts_at=timezone.now() - timedelta(weeks=1), invite=team)
    assert Invitation.objects.filter(attended__isnull=True).count() == 4
    assert meetings_nudge_missed() == 0


def test_the_send_reminders_command_sends_the_nudge(director, team, supporter_b):
    past_meeting(director, team, weeks_ago=13, came=[])
    past_meeting(director, team, weeks_ago=1, came=[])
    call_command("send_reminders", verbosity=0)
    assert sorted(nudges()) == sorted(s.person.email for s in team)
