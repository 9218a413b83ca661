"""The pages at phone width (375 px): a case page after outreach stays short, folding away what
this step does not need; every table page fits the screen, with no sideways scroll; the navigation
is one compact menu; and each page passes axe."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peersupport.cases.actions import case_record_outreach
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.browser

# The case page after outreach measured about 6,500 px tall on a phone before the folds (5,000 here,
# with a short resource directory); about 2,850 with them.
CASE_PAGE_MAX_HEIGHT = 3_200
PAGE_SIZE = "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
WIDE_TABLES = """() => [...document.querySelectorAll("table")]
  .filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1
               || t.parentElement.scrollWidth > t.parentElement.clientWidth + 1)
  .map(t => (t.caption ? t.caption.textContent : t.dataset.testid || "a table").trim())"""
# The director's pages with tables, and the supporter's list of peers.
DIRECTOR_PAGES = ["/queue/", "/cases/", "/roster/", "/supporters/", "/resources/", "/overview/"]


@pytest.fixture
def outreach_made(team):
    """A peer with a long name and address, one try made: the page the supporter returns to."""
    peer = make_person(name="Maria-Fernanda Oyelaran-Whitcombe", department="Pediatric Intensive Care",
                       email="maria-fernanda.oyelaran-whitcombe@children.hospital.example.org",
                       phone="+1 555 010 9988")
    case = team.assign(team.refer(peer, occurred_on=timezone.localdate() - timedelta(days=1)))
    case_record_outreach(actor=team.supporter.person.user, case_id=case.pk, channel="text")
    # Waiting cases with long names for the queue and the cases list.
    for name in ("Alexandria Konstantinopoulou-Smythe", "Bartholomew Featherstonehaugh"):
        team.refer(make_person(name=name, department="Obstetrics and Gynecology, Labor and Delivery"))
    return case


def test_a_case_after_outreach_is_short_on_a_phone(team, outreach_made, new_page, sign_in, assert_accessible):
    phone = new_page(phone=True)
    sign_in(phone, team.supporter.person.email, team.password)
    phone.goto(f"/cases/{outreach_made.pk}/")
    phone.get_by_test_id("response-section").wait_for()
    width, height = phone.evaluate(PAGE_SIZE)
    assert width <= 375, f"the case page scrolls sideways: {width}px"
    assert height <= CASE_PAGE_MAX_HEIGHT, f"the case page is {height}px tall on a phone"
    # What this step does not need is folded away, one tap from view.
    for testid in ("outreach-fold", "share-fold", "sheet-fold", "hand-back-fold"):
        fold = phone.get_by_test_id(testid)
        assert fold.evaluate("el => el.tagName") == "DETAILS" and not fold.evaluate("el => el.open")
    # The three answers each fit on at most two lines.
    for testid in ("response-accepted", "response-declined", "response-no_response", "open-sms", "call-peer"):
        box = phone.get_by_test_id(testid).bounding_box()
        assert box and box["height"] <= 80, (testid, box)
    assert_accessible(phone)
    phone.get_by_test_id("outreach-fold").locator("summary").tap()
    phone.get_by_test_id("outreach-message").wait_for(state="visible")
    assert phone.evaluate(PAGE_SIZE)[0] <= 375


def test_table_pages_fit_a_phone_without_scrolling_sideways(team, outreach_made, new_page, sign_in,
                                                            assert_accessible):
    phone = new_page(phone=True)
    sign_in(phone, team.director.email, team.password)
    for path in DIRECTOR_PAGES:
        phone.goto(path)
        width, _ = phone.evaluate(PAGE_SIZE)
        assert width <= 375, f"{path} scrolls sideways: {width}px"
        # Nor does any table scroll sideways inside its own region: each fits the screen.
        assert phone.evaluate(WIDE_TABLES) == [], path
        assert_accessible(phone)
    supporter = new_page(phone=True)
    sign_in(supporter, team.supporter.person.email, team.password)
    supporter.goto("/my/cases/")
    assert supporter.evaluate(PAGE_SIZE)[0] <= 375 and supporter.evaluate(WIDE_TABLES) == []
    assert_accessible(supporter)


def test_the_navigation_is_one_compact_menu_on_a_phone(team, new_page, sign_in):
    phone = new_page(phone=True)
    sign_in(phone, team.director.email, team.password)
    phone.goto("/queue/")
    header = phone.locator(".site-header").bounding_box()
    # The brand, the menu, sign-out and the language switch: at most three short lines.
    assert header and header["height"] <= 120, header
    menu = phone.get_by_test_id("nav-menu")
    assert not menu.evaluate("el => el.open")
    menu.locator("summary").tap()
    phone.get_by_role("link", name="Supporters").tap()
    phone.wait_for_url("**/supporters/")

    desk = new_page()
    sign_in(desk, team.director.email, team.password)
    desk.goto("/queue/")
    assert desk.get_by_role("link", name="Supporters").is_visible()  # open on a wide screen
