"""The RSVP link in an invitation: no sign-in, the answer may change until the meeting ends, and a
link that does not work gives a kind page (410 or 400), never an error."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peersupport.meetings.links import RSVP, rsvp_url
from peersupport.meetings.models import Invitation, Rsvp
from peersupport.meetings.services import meeting_cancel, meeting_schedule
from peersupport.meetings.tests.helpers import meeting_input
from peersupport.notifications.models import OutboxMessage
from peersupport.support.links import sign_link
from peersupport.testing.factories import make_person, make_supporter


@pytest.fixture
def meeting(director, supporter_a, supporter_b):
    return meeting_schedule(actor=director, data=meeting_input())


def link_in_invitation(supporter) -> str:
    body = OutboxMessage.objects.get(kind="meeting_invitation", to=supporter.person.email).body
    match = re.search(r"https?://\S+/meetings/rsvp/\S+/", body)
    assert match is not None
    return urlparse(match.group(0)).path


def answer_of(meeting, supporter) -> str:
    return Invitation.objects.get(meeting=meeting, supporter=supporter).answer


def test_a_supporter_answers_through_the_link_and_may_change_the_answer(client: Client, meeting, supporter_a):
    url = link_in_invitation(supporter_a)
    page = client.get(url)
    assert page.status_code == 200
    assert meeting.title in page.content.decode()

    assert client.post(url, {"answer": "yes"}).status_code == 302
    assert answer_of(meeting, supporter_a) == Rsvp.YES
    response = client.post(url, {"answer": "no"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="rsvp-saved"' in page and 'your answer is "No, I can&#x27;t make it"' in page
    assert answer_of(meeting, supporter_a) == Rsvp.NO


def test_the_director_sees_the_counts_and_names_of_the_answers(client: Client, director, meeting, supporter_a,
                                                               supporter_b):
    Client().post(link_in_invitation(supporter_a), {"answer": "yes"})
    Client().post(link_in_invitation(supporter_b), {"answer": "maybe"})

    client.force_login(director)
    page = client.get(reverse("meeting", args=[meeting.pk])).content.decode()

    assert re.search(r'data-testid="rsvp-count-yes">1<', page)
    assert re.search(r'data-testid="rsvp-count-maybe">1<', page)
    assert re.search(r'data-testid="rsvp-count-no">0<', page)
    assert "Alex Supporter" in page and "Blair Supporter" in page


def test_the_link_expires_when_the_meeting_ends(client: Client, meeting, supporter_a, time_machine):
    url = link_in_invitation(supporter_a)
    client.post(url, {"answer": "yes"})
    time_machine.move_to(meeting.ends_at + timedelta(minutes=1))

    assert client.get(url).status_code == 410
    response = client.post(url, {"answer": "no"})
    assert response.status_code == 410
    assert "This meeting is over" in response.content.decode()
    assert answer_of(meeting, supporter_a) == Rsvp.YES


def test_a_tampered_link_gives_a_kind_page_and_changes_nothing(client: Client, meeting, supporter_a):
    url = link_in_invitation(supporter_a)
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]

    response = client.post(tampered, {"answer": "no"})

    assert response.status_code == 400
    assert "This link is not complete" in response.content.decode()
    assert answer_of(meeting, supporter_a) == ""


def test_a_link_of_another_kind_is_refused(client: Client, meeting, supporter_a):
    from peersupport.support.links import KINDS, TALK

    token = sign_link(KINDS[TALK], {"m": meeting.pk, "s": supporter_a.pk})
    assert client.get(reverse("meeting-rsvp", args=[token])).status_code == 400


def test_a_cancelled_meeting_takes_no_answers(client: Client, director, meeting, supporter_a):
    url = link_in_invitation(supporter_a)
    meeting_cancel(actor=director, meeting_id=meeting.pk)

    response = client.post(url, {"answer": "yes"})

    assert response.status_code == 410
    assert "cancelled" in response.content.decode()
    assert answer_of(meeting, supporter_a) == ""


def test_an_answer_outside_the_choices_is_refused_with_a_message(client: Client, meeting, supporter_a):
    url = link_in_invitation(supporter_a)

    response = client.post(url, {"answer": "definitely\x00"})

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert answer_of(meeting, supporter_a) == ""


def test_a_signed_link_for_someone_not_invited_gives_a_kind_page(client: Client, meeting):
    stranger = make_supporter(make_person())
    url = rsvp_url(meeting_id=meeting.pk, supporter_id=stranger.pk)
    assert client.get(urlparse(url).path).status_code == 410
    assert RSVP.lifetime() > timedelta(days=365)
    assert meeting.ends_at < timezone.now() + RSVP.lifetime()
