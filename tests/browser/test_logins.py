"""Logins, "Forgot password" and "Add a supporter" in a real browser, on a phone, with axe.

The director invites a login and the invitee chooses a password from the emailed link (sent by
the real worker to the loopback SMTP server); someone who forgot their password gets a link the
same way; the director adds a supporter from the Supporters page. Each page is checked with axe
and for sideways scrolling at 375 px.
"""

import re

import pytest

from peersupport.testing.factories import make_person

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://\S+/accounts/password/set/\S+/")
CHOSEN = "a long chosen passphrase"


def mail_to(smtp_server, address: str):
    found = [m for m in smtp_server.messages if m["To"] == address]
    assert found, f"no email to {address}"
    return found[-1]


def checked(page, assert_accessible, assert_no_horizontal_scroll) -> None:
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_the_director_invites_a_login_on_a_phone_and_the_invitee_chooses_a_password(
    team, new_page, sign_in, deliver_mail, smtp_server, assert_accessible, assert_no_horizontal_scroll
):
    director = new_page(phone=True)
    sign_in(director, team.director.email, team.password)
    director.goto("/logins/")
    assert director.get_by_test_id("login-row").count() == 4
    checked(director, assert_accessible, assert_no_horizontal_scroll)

    director.get_by_test_id("invite-login").click()
    checked(director, assert_accessible, assert_no_horizontal_scroll)
    director.get_by_label("Work email").fill("risk.manager@example.org")
    director.get_by_label("Role").select_option("referrer")
    director.get_by_test_id("send-invite").click()
    row = director.locator('[data-testid="login-row"][data-email="risk.manager@example.org"]')
    assert row.get_by_test_id("login-status").inner_text() == "Invited"

    deliver_mail()
    link = LINK.search(mail_to(smtp_server, "risk.manager@example.org").get_content()).group(0)
    invitee = new_page(phone=True)
    invitee.goto(link)
    invitee.wait_for_url("**/set-password/")
    checked(invitee, assert_accessible, assert_no_horizontal_scroll)
    invitee.get_by_label("New password").fill("short")
    invitee.get_by_label("The same password again").fill("short")
    invitee.get_by_role("button", name="Save my password").click()
    invitee.get_by_text("at least 10 characters").first.wait_for()
    checked(invitee, assert_accessible, assert_no_horizontal_scroll)
    invitee.get_by_label("New password").fill(CHOSEN)
    invitee.get_by_label("The same password again").fill(CHOSEN)
    invitee.get_by_role("button", name="Save my password").click()
    invitee.get_by_test_id("password-saved").wait_for()
    checked(invitee, assert_accessible, assert_no_horizontal_scroll)
    invitee.get_by_role("link", name="Sign in").click()
    sign_in(invitee, "risk.manager@example.org", CHOSEN)
    invitee.get_by_role("button", name="Sign out").wait_for()  # signed in with the chosen password

    # The director deactivates the login again, after confirming.
    director.goto("/logins/")
    row.get_by_test_id("deactivate-link").click()
    checked(director, assert_accessible, assert_no_horizontal_scroll)
    director.get_by_test_id("confirm-deactivate").click()
    assert row.get_by_test_id("login-status").inner_text() == "Deactivated"


def test_forgot_password_on_a_phone(team, new_page, deliver_mail, smtp_server, assert_accessible,
                                    assert_no_horizontal_scroll):
    page = new_page(phone=True)
    page.goto("/accounts/login/")
    page.get_by_test_id("forgot-password").click()
    checked(page, assert_accessible, assert_no_horizontal_scroll)
    page.get_by_label("Work email").fill(team.referrer.email)
    page.get_by_role("button", name="Email me a link").click()
    page.get_by_test_id("forgot-sent").wait_for()
    checked(page, assert_accessible, assert_no_horizontal_scroll)

    deliver_mail()
    link = LINK.search(mail_to(smtp_server, team.referrer.email).get_content()).group(0)
    page.goto(link)
    page.get_by_label("New password").fill(CHOSEN)
    page.get_by_label("The same password again").fill(CHOSEN)
    page.get_by_role("button", name="Save my password").click()
    page.get_by_test_id("password-saved").wait_for()
    page.goto(link)  # a second time: used
    page.get_by_test_id("link-invalid").wait_for()
    checked(page, assert_accessible, assert_no_horizontal_scroll)


def test_the_director_adds_a_supporter_from_the_supporters_page_on_a_phone(
    team, new_page, sign_in, assert_accessible, assert_no_horizontal_scroll
):
    kim = make_person(name="Kim Abara", department="Oncology")
    page = new_page(phone=True)
    sign_in(page, team.director.email, team.password)
    page.goto("/supporters/")
    page.get_by_test_id("add-supporter").click()
    checked(page, assert_accessible, assert_no_horizontal_scroll)
    page.get_by_label("Name or employee id").fill("Kim")
    page.get_by_test_id("supporter-candidate").filter(has_text="Kim Abara").click()
    page.wait_for_url(f"**/roster/{kim.employee_id}/supporter/?from=supporters")
    page.get_by_label("Case limit").fill("2")
    page.get_by_role("button", name="Save supporter settings").click()
    page.get_by_text("Kim Abara's supporter settings are saved.").wait_for()
    assert page.url.endswith("/supporters/")  # back to the team
    assert page.get_by_test_id("supporter-row").filter(has_text="Kim Abara").count() == 1
