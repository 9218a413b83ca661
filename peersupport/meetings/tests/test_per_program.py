"""Each program runs its own supporter meetings: its staff see and change only theirs, its team
only is invited, and the missed-meetings note reads each program's meetings apart."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peersupport.meetings.models import Invitation
from peersupport.meetings.services import meeting_record_attendance, meeting_schedule, meetings_nudge_missed
from peersupport.meetings.testing import make_meeting, meeting_form_body
from peersupport.meetings.tests.helpers import calendar_of, meeting_input
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import make_person, make_supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def northside_supporter(second_program):
    return make_supporter(make_person(name="Noor Northside", site="Northside", email="noor@example.org"))


def test_a_meeting_invites_its_own_programs_team_only(director, director_of_second_program, supporter_a,
                                                      northside_supporter):
    riverside = meeting_schedule(actor=director, data=meeting_input())
    northside = meeting_schedule(actor=director_of_second_program, data=meeting_input(title="Northside lunch"))

    assert riverside.program_id == director.program_id and northside.program_id == director_of_second_program.program_id
    assert list(Invitation.objects.filter(meeting=riverside).values_list("supporter", flat=True)) == [supporter_a.pk]
    assert list(Invitation.objects.filter(meeting=northside).values_list("supporter", flat=True)) == [
        northside_supporter.pk]


def test_another_programs_meeting_is_not_listed_and_answers_404(client: Client, director,
                                                                director_of_second_program):
    theirs = make_meeting(title="Riverside winter meeting")
    client.force_login(director_of_second_program)

    assert "Riverside winter meeting" not in client.get(reverse("meetings")).content.decode()
    for name in ("meeting", "meeting-edit", "meeting-attendance", "meeting-practice"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404, name
    assert client.post(reverse("meeting-cancel", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("meeting-edit", args=[theirs.pk]), meeting_form_body()).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.cancelled and theirs.sequence == 0
    # Its own director still has it: the check above can fail.
    client.force_login(director)
    assert "Riverside winter meeting" in client.get(reverse("meetings")).content.decode()


def test_the_missed_meetings_note_reads_each_programs_meetings_apart(director, director_of_second_program,
                                                                     supporter_a, northside_supporter):
    now = timezone.now()
    for weeks in (30, 20):  # Northside's supporter missed Northside's last two meetings
        missed = make_meeting(program=director_of_second_program.program, starts_at=now - timedelta(weeks=weeks),
                              invite=[northside_supporter])
        meeting_record_attendance(actor=director_of_second_program, meeting_id=missed.pk, attended=set())
    for days in range(1, 10):  # and Riverside held more meetings since than the note looks back over
        held = make_meeting(starts_at=now - timedelta(days=days), invite=[supporter_a])
        meeting_record_attendance(actor=director, meeting_id=held.pk, attended={supporter_a.pk})

    assert meetings_nudge_missed(now) == 1
    assert list(OutboxMessage.objects.filter(kind="meeting_nudge").values_list("to", flat=True)) == [
        northside_supporter.person.email]


def test_the_calendar_file_speaks_the_supporters_language(director):
    make_supporter(make_person(name="Sofía Ruiz", email="sofia@example.org", language="es"))
    meeting_schedule(actor=director, data=meeting_input())
    event = calendar_of(OutboxMessage.objects.get(kind="meeting_invitation")).walk("VEVENT")[0]
    assert event["organizer"].params["cn"] == "Programa de Apoyo entre Pares"

