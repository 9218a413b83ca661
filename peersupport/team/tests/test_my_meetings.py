"""A supporter sees their coming supporter meetings on their own page, with their answer so far
and a link to answer or change it; past and cancelled meetings are not listed."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peersupport.meetings.models import Invitation
from peersupport.meetings.testing import make_meeting
from peersupport.team.tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def test_a_supporter_sees_their_next_meetings_and_answers_from_there(client, supporter_a, supporter_b):
    soon = make_meeting(title="Winter supporter meeting", invite=[supporter_a])
    make_meeting(title="Spring supporter meeting", starts_at=timezone.now() + timedelta(days=60), invite=[supporter_a])
    make_meeting(title="Autumn supporter meeting", starts_at=timezone.now() - timedelta(days=30), invite=[supporter_a])
    make_meeting(title="Cancelled meeting", cancelled_at=timezone.now(), invite=[supporter_a])
    make_meeting(title="Not invited", invite=[supporter_b])
    Invitation.objects.filter(meeting=soon, supporter=supporter_a).update(answer="yes")
    sign_in(client, supporter_a)
    page = client.get("/my/team/").content.decode()
    listed = page.split('data-testid="my-meetings"')[1].split("</section>")[0]
    assert listed.index("Winter supporter meeting") < listed.index("Spring supporter meeting")
    assert "Autumn" not in listed and "Cancelled" not in listed and "Not invited" not in listed
    assert "You answered: Yes, I&#x27;ll be there" in listed or "You answered: Yes, I'll be there" in listed
    # The link is the supporter's own RSVP link: it answers for them, signed out.
    link = listed.split('href="')[2].split('"')[0]
    assert Client().post(link.replace("http://testserver", ""), {"answer": "no"}).status_code == 302
    assert Invitation.objects.get(meeting__title="Spring supporter meeting", supporter=supporter_a).answer == "no"


def test_with_no_meeting_planned_the_page_says_the_invitation_comes_by_email(client, supporter_a):
    sign_in(client, supporter_a)
    page = client.get("/my/team/").content.decode()
    assert 'data-testid="no-meetings"' in page
