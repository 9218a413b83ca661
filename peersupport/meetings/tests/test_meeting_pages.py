"""The meeting pages as the director uses them: schedule, bad input, attendance, the practice plan."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peersupport.meetings.models import Invitation, Meeting, Rsvp
from peersupport.meetings.services import meeting_schedule
from peersupport.meetings.testing import make_meeting, meeting_form_body
from peersupport.meetings.tests.helpers import meeting_input
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import make_person, make_supporter


@pytest.fixture
def director_client(client: Client, director) -> Client:
    client.force_login(director)
    return client


def test_the_director_schedules_a_meeting_and_the_team_is_invited(director_client, supporter_a, supporter_b):
    response = director_client.post(reverse("meeting-new"), meeting_form_body())

    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meeting", args=[meeting.pk])
    assert OutboxMessage.objects.filter(kind="meeting_invitation").count() == 2
    page = director_client.get(response["Location"]).content.decode()
    assert "Quarterly supporter meeting" in page
    assert "Calendar version" not in page  # the calendar file's internal revision number is not the director's


def test_saving_a_meeting_unchanged_writes_to_nobody(director_client, supporter_a, supporter_b):
    body = meeting_form_body()
    director_client.post(reverse("meeting-new"), body)
    meeting = Meeting.objects.get()
    response = director_client.post(reverse("meeting-edit", args=[meeting.pk]), body, follow=True)
    assert "Nothing was changed, so nobody was written to." in response.content.decode()
    assert not OutboxMessage.objects.filter(kind="meeting_update").exists()
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    # A real change still reaches everyone invited.
    director_client.post(reverse("meeting-edit", args=[meeting.pk]), {**body, "place": "Library"})
    assert OutboxMessage.objects.filter(kind="meeting_update").count() == 2


@pytest.mark.parametrize(("change", "message"), [
    ({"ends_at": "2020-01-01T10:00"}, "The meeting must end after it starts."),
    ({"starts_at": "2020-01-01T10:00", "ends_at": "2020-01-01T12:00"}, "Choose a start time in the future."),
    ({"starts_at": "not a date"}, "Enter a valid date/time."),
    ({"place": ""}, "This field is required."),
])
def test_bad_meeting_input_is_refused_with_a_message_and_nothing_is_sent(director_client, supporter_a, change,
                                                                         message):
    response = director_client.post(reverse("meeting-new"), {**meeting_form_body(), **change})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Meeting.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_meeting_that_is_over_cannot_be_changed(director_client, director, supporter_a):
    meeting = make_meeting(starts_at=timezone.now() - timedelta(days=2), invite=[supporter_a])
    response = director_client.post(reverse("meeting-edit", args=[meeting.pk]), meeting_form_body())
    assert response.status_code == 409
    assert "This meeting is over." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_the_director_records_who_came_after_the_meeting(director_client, supporter_a, supporter_b):
    meeting = make_meeting(starts_at=timezone.now() - timedelta(days=2), invite=[supporter_a, supporter_b])

    response = director_client.post(reverse("meeting-attendance", args=[meeting.pk]),
                                    {"attended": [str(supporter_a.pk)]})

    assert response.status_code == 302
    attended = dict(Invitation.objects.filter(meeting=meeting).values_list("supporter_id", "attended"))
    assert attended == {supporter_a.pk: True, supporter_b.pk: False}


def test_the_meeting_page_offers_attendance_only_once_the_meeting_has_started(director_client, supporter_a):
    upcoming = make_meeting(invite=[supporter_a])
    page = director_client.get(reverse("meeting", args=[upcoming.pk])).content.decode()
    assert 'data-testid="attendance"' not in page  # ticking the team before it has met would only be refused
    assert "once the meeting has started" in page
    begun = make_meeting(starts_at=timezone.now() - timedelta(minutes=10), invite=[supporter_a])
    page = director_client.get(reverse("meeting", args=[begun.pk])).content.decode()
    assert 'data-testid="attendance"' in page and "once the meeting has started" not in page


def test_cancelling_a_meeting_takes_a_second_deliberate_tap(director_client, supporter_a):
    # One tap beside "Change" mailed everyone and could not be undone; now the button sits in a fold
    # that says so first.
    meeting = make_meeting(invite=[supporter_a])
    page = director_client.get(reverse("meeting", args=[meeting.pk])).content.decode()
    fold = re.search(r'<details class="fold" data-testid="cancel-fold">(.*?)</details>', page, re.S)
    assert fold and 'data-testid="meeting-cancel"' in fold.group(1)
    assert "cannot be brought back" in fold.group(1)
    assert page.count('data-testid="meeting-cancel"') == 1


def test_attendance_cannot_be_recorded_before_the_meeting_or_for_someone_not_invited(director_client, supporter_a):
    upcoming = make_meeting(invite=[supporter_a])
    early = director_client.post(reverse("meeting-attendance", args=[upcoming.pk]), {"attended": [supporter_a.pk]})
    assert early.status_code == 409
    assert "once the meeting has started" in early.content.decode()

    past = make_meeting(starts_at=timezone.now() - timedelta(days=2), invite=[supporter_a])
    stranger = make_supporter(make_person())
    wrong = director_client.post(reverse("meeting-attendance", args=[past.pk]), {"attended": [stranger.pk]})
    assert wrong.status_code == 422
    assert not Invitation.objects.filter(attended__isnull=False).exists()


def test_the_practice_page_plans_those_who_said_yes_with_a_timer_and_a_print_sheet(director_client, director):
    team = [make_supporter(make_person(name=f"Supporter {n}")) for n in range(5)]
    meeting = meeting_schedule(actor=director, data=meeting_input())
    Invitation.objects.filter(meeting=meeting).update(answer=Rsvp.YES)

    page = director_client.get(reverse("meeting-practice", args=[meeting.pk]) + "?rounds=3").content.decode()

    assert page.count('data-practice-round="') == 3
    assert page.count('data-testid="practice-group"') == 3 * 2  # two pairs and a trio each round
    for supporter in team:
        assert supporter.person.name in page
    nonce = re.search(r'<script src="[^"]*meetings/timer\.js" nonce="([^"]+)"', page)
    assert nonce is not None and nonce.group(1)
    assert "meetings/practice.css" in page


def test_the_practice_page_takes_any_options_without_an_error(director_client):
    meeting = make_meeting()
    for query in ("?rounds=0", "?rounds=abc", "?seed=-4", "?rounds=99999999999999999999", "?seed=%00"):
        response = director_client.get(reverse("meeting-practice", args=[meeting.pk]) + query)
        assert response.status_code == 200
        assert 'data-testid="no-plan"' in response.content.decode()


def test_the_practice_timer_script_is_served(client: Client):
    from django.contrib.staticfiles import finders

    assert finders.find("meetings/timer.js") is not None
    assert finders.find("meetings/practice.css") is not None


def test_a_supporter_cannot_open_the_meeting_pages(client: Client, supporter_a):
    from peersupport.accounts.models import User

    client.force_login(User.objects.get(person=supporter_a.person))
    meeting = make_meeting(invite=[supporter_a])
    assert client.get(reverse("meetings")).status_code == 403
    assert client.get(reverse("meeting", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("meeting-cancel", args=[meeting.pk])).status_code == 403
    meeting.refresh_from_db()
    assert not meeting.cancelled
