"""The director's wishes-and-continuity box beside the suggestions: axe, and a phone's width."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peersupport.cases.models import Case, CaseState
from peersupport.front.tests.helpers import refer
from peersupport.referrals.models import Referral
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.browser
BOX = '[data-testid="matching"]'


@pytest.fixture
def waiting(team):
    """A returning peer who asked for a woman (none eligible), with a colleague from the same
    event whose supporter is held back by the one-peer-per-event rule."""
    peer = make_person(name="Riley Chen", department="Cardiology", gender="female")
    earlier = team.assign(team.refer(peer), team.other_supporter)
    Case.objects.filter(pk=earlier.pk).update(state=CaseState.CLOSED, closed_at=timezone.now() - timedelta(days=30))
    colleague = make_person(name="Jordan Hale", department="Cardiology")
    referral = refer(team.referrer, peer, colleague)
    Referral.objects.filter(pk=referral.pk).update(source="self", preferences={"gender": "female"})
    team.assign(referral.cases.get(peer=colleague))
    return referral.cases.get(peer=peer)


def open_box(page, team, case) -> None:
    page.goto(f"/cases/{case.pk}/")
    page.get_by_test_id("unmet-wish").wait_for()
    assert "Blair Novak" in page.get_by_test_id("continuity").inner_text()
    assert "Alex Mendes" in page.get_by_test_id("held-back").inner_text()


def test_the_case_page_with_wishes_and_continuity_passes_axe(team, waiting, new_page, sign_in, assert_accessible):
    page = new_page()
    sign_in(page, team.director.email, team.password)
    open_box(page, team, waiting)
    assert_accessible(page)


def test_the_wishes_and_continuity_box_passes_axe_and_fits_a_phone(team, waiting, new_page, sign_in):
    from axe_playwright_python.sync_playwright import Axe

    page = new_page(phone=True)
    sign_in(page, team.director.email, team.password)
    open_box(page, team, waiting)
    violations = Axe().run(page, context=BOX).response["violations"]
    assert [v["id"] for v in violations] == []
    box_width, window_width = page.evaluate(
        f"() => [document.querySelector('{BOX}').getBoundingClientRect().right, document.documentElement.clientWidth]"
    )
    assert box_width <= window_width
