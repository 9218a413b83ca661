"""The on-call calendar feeds: read back with icalendar, no sign-in, only on-call weeks, and a
reset address stops the old one."""

from datetime import timedelta

import pytest
from django.test import Client
from icalendar import Calendar

from peersupport.front.tests.helpers import assign, refer
from peersupport.team.services import on_call_team_save, on_call_week_set
from peersupport.team.tests.helpers import sign_in, this_monday
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db


def feed_address(page: str) -> str:
    """The path of the calendar address a page shows once."""
    shown = page.split('data-testid="feed-url"')[1].split("<code>")[1].split("</code>")[0]
    return shown[shown.index("/calendar/"):]


def events(body: bytes) -> list:
    return list(Calendar.from_ical(body).walk("VEVENT"))


@pytest.fixture
def rota(director, supporter_a, supporter_b):
    team = on_call_team_save(actor=director, name="Team North", supporter_ids=[supporter_a.pk])
    other = on_call_team_save(actor=director, name="Team South", supporter_ids=[supporter_b.pk])
    monday = this_monday()
    on_call_week_set(actor=director, starts_on=monday, team_id=team.pk)
    on_call_week_set(actor=director, starts_on=monday + timedelta(days=7), team_id=other.pk)
    on_call_week_set(actor=director, starts_on=monday + timedelta(days=14), team_id=team.pk)
    return team


def test_a_supporters_feed_lists_only_their_on_call_weeks_and_needs_no_sign_in(client, rota, director, referrer,
                                                                             supporter_a):
    case = refer(referrer, make_person(name="Pat Peer", department="Emergency")).cases.get()
    assign(director, case, supporter_a)
    sign_in(client, supporter_a)
    path = feed_address(client.post("/my/team/calendar/").content.decode())
    response = Client().get(path)  # a calendar client: no session
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    found = events(response.content)
    monday = this_monday()
    assert [e.decoded("dtstart") for e in found] == [monday, monday + timedelta(days=14)]
    assert [e.decoded("dtend") for e in found] == [monday + timedelta(days=7), monday + timedelta(days=21)]
    assert all("Team North" in str(e["summary"]) for e in found)
    body = response.content.decode()
    assert "Pat Peer" not in body and "Blair" not in body and "Alex" not in body and "patient" not in body.lower()


def test_a_new_address_stops_the_old_one(client, rota, supporter_a):
    sign_in(client, supporter_a)
    old = feed_address(client.post("/my/team/calendar/").content.decode())
    new = feed_address(client.post("/my/team/calendar/").content.decode())
    assert old != new
    calendar = Client()
    assert calendar.get(old).status_code == 410
    assert calendar.get(new).status_code == 200


def test_a_team_feed_shows_the_teams_weeks_and_can_be_reset(client, rota, director):
    client.force_login(director)
    first = feed_address(client.post("/team/on-call/calendar/", {"team": rota.pk}).content.decode())
    found = events(Client().get(first).content)
    assert [e.decoded("dtstart") for e in found] == [this_monday(), this_monday() + timedelta(days=14)]
    second = feed_address(client.post("/team/on-call/calendar/", {"team": rota.pk}).content.decode())
    assert Client().get(first).status_code == 410 and Client().get(second).status_code == 200


def test_an_address_never_given_out_is_a_kind_gone_page_not_an_error():
    response = Client().get("/calendar/cal_made-up.ics")
    assert response.status_code == 410 and "no longer works" in response.content.decode()


def test_the_page_shows_the_address_only_once(client, rota, supporter_a):
    sign_in(client, supporter_a)
    client.post("/my/team/calendar/")
    assert 'data-testid="feed-url"' not in client.get("/my/team/").content.decode()
