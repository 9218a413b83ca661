"""Two-step sign-in in a real browser: enrolling an authenticator, then signing in with its code."""

from base64 import b32encode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from peersupport.accounts.models import Role
from peersupport.accounts.testing import fresh_totp_code
from peersupport.testing.factories import make_user

pytestmark = pytest.mark.browser

PASSWORD = "a long browser password"


def test_an_administrator_enrolls_then_signs_in_with_a_code(site, new_page, assert_accessible,
                                                            assert_no_horizontal_scroll):
    admin = make_user(Role.ADMINISTRATOR, email="office@example.org", password=PASSWORD)
    page = new_page(phone=True)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # First sign-in: the enrollment page, with the secret as a QR code and as text.
    page.wait_for_url("**/accounts/two-factor/enroll/**")
    qr = page.get_by_role("img", name="QR code of the secret below")
    assert qr.is_visible()
    assert page.get_by_role("navigation", name="Main").count() == 0  # nowhere else to go yet
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    typed_key = page.locator("#secret").inner_text().replace(" ", "")
    assert typed_key == b32encode(device.bin_key).decode()

    page.get_by_label("6-digit code").fill("000000" if fresh_totp_code(device) != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("That code is not right").wait_for()
    page.wait_for_timeout(1100)  # wrong codes slow the next try by a second
    page.get_by_label("6-digit code").fill(fresh_totp_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/queue/")
    page.get_by_text("Two-step sign-in is set up").wait_for()

    # Signing out and in again asks for the code, and nothing opens before it.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/two-factor/?next=" in url)
    assert_accessible(page)
    page.goto("/cases/")
    assert "/accounts/two-factor/" in page.url
    page.get_by_label("6-digit code").fill(fresh_totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/cases/")
