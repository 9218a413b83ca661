"""The demo's meetings: two past ones with attendance, one coming up with answers."""

from django.utils import timezone

from peersupport.meetings.demo import demo_meetings
from peersupport.meetings.models import Invitation, Meeting, MissedMeetingsNudge
from peersupport.testing.factories import make_person, make_supporter


def test_the_demo_has_two_past_meetings_with_attendance_and_one_coming_with_answers(director):
    for n in range(12):
        make_supporter(make_person(name=f"Demo Supporter {n}"))

    demo_meetings(director=director, now=timezone.now())

    past = Meeting.objects.filter(ends_at__lt=timezone.now())
    assert past.count() == 2
    assert all(m.attendance_recorded_at is not None for m in past)
    assert Invitation.objects.filter(meeting__in=past, attended=True).exists()
    [upcoming] = Meeting.objects.filter(starts_at__gt=timezone.now())
    assert Invitation.objects.filter(meeting=upcoming).exclude(answer="").exists()
    assert Invitation.objects.filter(meeting=upcoming, answer="").exists()
    assert MissedMeetingsNudge.objects.count() >= 1
