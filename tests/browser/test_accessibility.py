"""Accessibility in a real browser: axe-core on each page people work in, then the keyboard alone.

axe-core (bundled with axe-playwright-python) runs on the supporter's pages (on a phone-sized
window, as they are used), the director's queue and case page, the overview, the referral form
and the conversation guide, and fails on any violation it finds.

The keyboard tests press only Tab, Shift+Tab, Enter and Space (and type into a field once it has
focus): no clicks. Every element that takes focus on the way must show it (an outline or a
shadow), and must be on screen.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from peersupport.accounts.testing import pass_second_step
from peersupport.cases.actions import case_record_outreach, case_record_response
from peersupport.cases.models import Case, CaseState
from peersupport.matching.selectors import suggestions_for_case
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.browser

# What has focus, and whether it shows: an outline or a box shadow, on an element on screen.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    html: el.outerHTML.slice(0, 120),
    tag: el.tagName.toLowerCase(),
    text: el.textContent.trim(),
    href: el.href || "",
    id: el.id,
    testid: el.dataset.testid || "",
    indicated: outlined || style.boxShadow !== "none",
    onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
      && rect.top < innerHeight && rect.left < innerWidth,
  };
}"""
MAX_TABS = 80


def tab_to(page, key: str = "Tab", **wanted: str) -> dict:
    """Press Tab until the element with all the `wanted` properties (of FOCUSED) has focus,
    checking at every stop that the focus shows."""
    assert wanted
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        assert focused, f"{key} left the page's elements on {page.url}"
        assert focused["indicated"], f"no visible focus indicator on {focused['html']}"
        assert focused["onScreen"], f"focused element is off screen: {focused['html']}"
        if all(focused[name] == value for name, value in wanted.items()):
            return focused
    raise AssertionError(f"{MAX_TABS} presses of {key} never reached {wanted} on {page.url}")


def keyboard_sign_in(page, email: str, password: str) -> None:
    """The login form by keyboard: the email field has focus when the page opens."""
    page.goto("/accounts/login/")
    page.wait_for_function("document.activeElement && document.activeElement.name === 'username'")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    pass_second_step(page, email, keyboard=True)


@pytest.fixture
def peers(team):
    """Three cases of one supporter's load and the director's queue: assigned, accepted, waiting."""
    dana = make_person(name="Dana Reyes", department="Anesthesia", email="dana@example.org")
    sam = make_person(name="Sam Okoro", department="Surgery", email="sam@example.org")
    riley = make_person(name="Riley Chen", department="Cardiology", email="riley@example.org")
    assigned = team.assign(team.refer(dana))
    accepted = team.assign(team.refer(sam, category="litigation"))
    supporter_user = team.supporter.person.user
    case_record_outreach(actor=supporter_user, case_id=accepted.pk, channel="call")
    case_record_response(actor=supporter_user, case_id=accepted.pk, response="accepted")
    waiting = team.refer(riley, occurred_on=timezone.localdate() - timedelta(days=1))
    return {"assigned": assigned, "accepted": accepted, "waiting": waiting}


def test_the_supporters_pages_pass_axe_on_a_phone(team, peers, new_page, sign_in, assert_accessible):
    phone = new_page(phone=True)
    sign_in(phone, team.supporter.person.email, team.password)
    phone.goto("/my/cases/")
    assert phone.get_by_test_id("my-case").count() == 2
    assert_accessible(phone)
    for state in ("assigned", "accepted"):
        phone.goto(f"/cases/{peers[state].pk}/")
        phone.get_by_test_id("case-state").filter(has_text=str(CaseState(state).label)).wait_for()
        assert_accessible(phone)
    phone.get_by_test_id("encounter-section").wait_for()
    phone.get_by_test_id("litigation-reminder").wait_for()
    phone.goto(f"/cases/{peers['assigned'].pk}/hand-back/")
    assert_accessible(phone)
    phone.goto(f"/cases/{peers['accepted'].pk}/sheet/")
    assert_accessible(phone)
    phone.goto("/guide/")
    assert phone.get_by_test_id("guide-topic").count() >= 5
    assert_accessible(phone)


def test_the_directors_and_referrers_pages_pass_axe(team, peers, new_page, sign_in, assert_accessible):
    director = new_page()
    sign_in(director, team.director.email, team.password)
    director.goto("/queue/")
    assert director.get_by_test_id("queue-row").count() == 1
    assert_accessible(director)
    director.goto(f"/cases/{peers['waiting'].pk}/")
    assert director.get_by_test_id("suggestion").count() >= 2
    assert_accessible(director)
    director.goto(f"/cases/{peers['accepted'].pk}/")  # the timeline, and the supporter's steps
    director.get_by_test_id("timeline").wait_for()
    assert_accessible(director)
    director.goto("/overview/")
    assert_accessible(director)

    referrer = new_page()
    sign_in(referrer, team.referrer.email, team.password)
    referrer.goto("/referrals/new/")
    assert_accessible(referrer)


def test_a_supporter_records_an_outreach_by_keyboard(team, peers, new_page, site):
    case = peers["assigned"]
    page = new_page()
    keyboard_sign_in(page, team.supporter.person.email, team.password)
    # My peers: Dana's card has an "Open" button.
    page.get_by_test_id("my-case").first.wait_for()
    tab_to(page, testid="open-case", href=f"{site}/cases/{case.pk}/")
    page.keyboard.press("Enter")
    page.get_by_test_id("outreach-section").wait_for()

    tab_to(page, testid="outreach-call")
    page.keyboard.press("Space")
    page.get_by_test_id("response-section").wait_for()
    assert "Recorded: phone call." in page.locator(".messages").inner_text()
    assert page.get_by_test_id("case-state").inner_text() == CaseState.OUTREACH_MADE.label

    # The answer: one Tab too far, then back with Shift+Tab.
    tab_to(page, testid="response-declined")
    tab_to(page, key="Shift+Tab", testid="response-accepted")
    page.keyboard.press("Enter")
    page.get_by_test_id("encounter-section").wait_for()
    assert page.get_by_test_id("case-state").inner_text() == CaseState.ACCEPTED.label


def test_the_director_assigns_the_top_suggestion_by_keyboard(team, peers, new_page):
    case = peers["waiting"]
    top = suggestions_for_case(case)[0]
    page = new_page()
    keyboard_sign_in(page, team.director.email, team.password)
    # The queue: past the header by the skip link, then to the peer's name, a link to the case.
    page.get_by_test_id("queue-row").wait_for()
    tab_to(page, text="Skip to the page content")
    page.keyboard.press("Enter")
    tab_to(page, tag="a", text=case.peer.name)
    page.keyboard.press("Enter")
    page.get_by_test_id("suggestion").first.wait_for()

    focused = tab_to(page, testid="assign-button")
    assert page.evaluate("document.activeElement.dataset.employeeId") == top.employee_id, focused
    page.keyboard.press("Enter")
    page.get_by_test_id("case-supporter").filter(has_text=top.name).wait_for()
    assert page.get_by_test_id("case-state").inner_text() == CaseState.ASSIGNED.label


def test_a_referrer_completes_the_referral_form_by_keyboard(team, new_page):
    first = make_person(name="Kim Abara", department="Oncology")
    second = make_person(name="Lee Haddad", department="Oncology")
    page = new_page()
    keyboard_sign_in(page, team.referrer.email, team.password)
    page.get_by_test_id("submit-referral").wait_for()

    # Past the type-ahead, to the plain field that works without JavaScript.
    tab_to(page, id="id_involved_ids")
    page.keyboard.type(f"{first.employee_id}, {second.employee_id}")
    tab_to(page, id="id_category")
    page.keyboard.type("Patient death")
    tab_to(page, id="id_occurred_on")
    occurred = timezone.localdate() - timedelta(days=2)
    page.keyboard.type(occurred.strftime("%m%d%Y"))
    tab_to(page, id="id_interventional")
    page.keyboard.press("Space")
    tab_to(page, id="id_summary")
    page.keyboard.type("A patient died unexpectedly after a routine operation.")
    tab_to(page, testid="submit-referral")
    page.keyboard.press("Enter")

    page.get_by_test_id("receipt").wait_for()
    assert page.get_by_test_id("involved-count").inner_text() == "2"
    referral = Case.objects.get(peer=first).referral
    assert referral.category == "patient_death" and referral.occurred_on == occurred
    assert referral.interventional and referral.summary.startswith("A patient died")
    assert set(referral.cases.values_list("peer__name", flat=True)) == {first.name, second.name}
