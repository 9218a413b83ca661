"""The Content-Security-Policy in a real browser: every page works under it, and nothing on them
is refused (an inline script, style or handler the policy blocks would be reported here)."""

import pytest

from peersupport.testing.factories import make_person

pytestmark = pytest.mark.browser

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def watched(page) -> list[str]:
    """Collects every policy violation the page reports, through all its navigations."""
    reported: list[str] = []
    page.on("console", lambda message: reported.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.add_init_script(WATCH)
    return reported


def violations(page, reported: list[str]) -> list[str]:
    return reported + page.evaluate("() => window.__cspViolations || []")


def test_the_referral_form_works_under_the_policy_including_removing_a_chosen_colleague(
    team, site, new_page, sign_in, assert_accessible
):
    make_person(name="Dana Reyes", department="Anesthesia")
    make_person(name="Dale Ortiz", department="Surgery")
    page = new_page()
    reported = watched(page)
    sign_in(page, team.referrer.email, team.password)
    answer = page.goto("/referrals/new/")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe" not in policy

    # htmx (no eval) fetches the matches and adds chips; the × button (app.js, no hx-on) removes one.
    page.locator("#lookup-q").press_sequentially("Da", delay=20)
    page.get_by_test_id("lookup-option").filter(has_text="Dana Reyes").click()
    page.get_by_test_id("chip").filter(has_text="Dana Reyes").wait_for()
    page.locator("#lookup-q").press_sequentially("Dale", delay=20)
    page.get_by_test_id("lookup-option").filter(has_text="Dale Ortiz").click()
    page.get_by_test_id("chip").filter(has_text="Dale Ortiz").wait_for()
    page.get_by_role("button", name="Remove Dana Reyes").click()
    page.get_by_test_id("chip").filter(has_text="Dana Reyes").wait_for(state="detached")
    assert page.get_by_test_id("chip").count() == 1
    assert page.evaluate("() => document.activeElement.id") == "lookup-q"

    page.goto("/my/data/")
    page.get_by_role("heading", name="What the program holds about you").wait_for()
    assert_accessible(page)
    assert violations(page, reported) == []


def test_the_supporters_pages_and_printable_sheet_work_under_the_policy(
    team, site, new_page, sign_in, assert_accessible, assert_no_horizontal_scroll
):
    peer = make_person(name="Robin Peer", email="robin@example.org", phone="+1 555 010 9999")
    case = team.assign(team.refer(peer))
    # The supporter was once offered support themself: their page shows that case and its access log.
    team.assign(team.refer(team.supporter.person), team.other_supporter)
    page = new_page(phone=True)
    reported = watched(page)
    sign_in(page, team.supporter.person.email, team.password)
    for url in ("/my/cases/", f"/cases/{case.pk}/", "/guide/", "/resources/", "/my/data/"):
        assert page.goto(url).status == 200, url
    # What the program holds about the supporter: readable on the phone.
    page.get_by_test_id("my-supporter").wait_for()
    page.get_by_test_id("held-case").wait_for()
    page.get_by_test_id("my-access").first.wait_for()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.goto(f"/cases/{case.pk}/sheet/")
    # The print button is hidden until app.js (a file, allowed by the policy) shows it.
    page.get_by_test_id("print-button").wait_for(state="visible")
    page.goto("/no/such/page/")
    assert violations(page, reported) == []


def test_the_api_docs_render_under_the_same_strict_policy(site, new_page):
    page = new_page()
    reported = watched(page)
    answer = page.goto("/api/v1/docs")
    policy = answer.headers["content-security-policy"]
    assert "style-src 'self';" in policy and "unsafe" not in policy
    page.locator(".swagger-ui .info .title").filter(has_text="Peer Support Program API").wait_for()
    # Open an operation: its parameters, example answers and schemas render too.
    page.locator(".opblock-summary").filter(has_text="/api/v1/cases/{case_id}").first.click()
    page.locator(".opblock-body .responses-wrapper").first.wait_for()
    page.get_by_role("button", name="Try it out").first.click()
    page.locator(".opblock-body .highlight-code, .opblock-body .body-param, .opblock-body .parameters").first.wait_for()
    page.locator("section.models").first.scroll_into_view_if_needed()
    assert violations(page, reported) == []
