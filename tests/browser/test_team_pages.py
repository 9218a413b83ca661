"""The team pages at phone width: a supporter's "My participation" (pause, contribution, on-call
weeks, calendar address) and the director's rota and recognition list fit a 375 px screen with
no sideways scroll and pass axe; the letters print one to a page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peersupport.team.models import Participation
from peersupport.team.services import on_call_team_save, on_call_week_set

pytestmark = pytest.mark.browser

PAGE_SIZE = "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"


@pytest.fixture
def rota(team):
    on_call = on_call_team_save(actor=team.director, name="Team Cedar with a rather long name",
                                supporter_ids=[team.supporter.pk, team.other_supporter.pk])
    today = timezone.localdate()
    on_call_week_set(actor=team.director, starts_on=today - timedelta(days=today.weekday()), team_id=on_call.pk)
    for supporter in (team.supporter, team.other_supporter):
        Participation.objects.create(supporter=supporter, recognition_opt_in=True)
    return on_call


def test_a_supporter_pauses_from_their_phone(team, rota, new_page, sign_in, assert_accessible):
    phone = new_page(phone=True)
    sign_in(phone, team.supporter.person.email, team.password)
    phone.goto("/my/team/")
    assert phone.evaluate(PAGE_SIZE)[0] <= 375
    assert_accessible(phone)
    until = timezone.localdate() + timedelta(days=5)
    phone.get_by_label("Paused through (last day)").fill(until.isoformat())
    phone.get_by_label("Why").select_option("busy")
    phone.get_by_role("button", name="Pause me").tap()
    phone.get_by_test_id("paused").wait_for()
    assert phone.evaluate(PAGE_SIZE)[0] <= 375
    phone.get_by_test_id("feed-reset").tap()
    phone.get_by_test_id("feed-url").wait_for()
    assert phone.evaluate(PAGE_SIZE)[0] <= 375, "the calendar address must wrap, not widen the page"


def test_the_directors_team_pages_fit_a_phone(team, rota, new_page, sign_in, assert_accessible):
    phone = new_page(phone=True)
    sign_in(phone, team.director.email, team.password)
    for path in ("/team/on-call/", "/team/recognition/", "/team/recognition/letters/"):
        phone.goto(path)
        assert phone.evaluate(PAGE_SIZE)[0] <= 375, path
        assert_accessible(phone)
    phone.goto("/team/recognition/letters/")
    phone.emulate_media(media="print")
    breaks = phone.evaluate("""() => [...document.querySelectorAll('[data-testid="letter"]')]
        .map(el => getComputedStyle(el).breakAfter)""")
    assert breaks == ["page", "auto"]
