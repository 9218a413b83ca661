"""Single sign-on in a real browser, through a real OpenID Connect provider's sign-in page
(django-oauth-toolkit in a second process: peersupport/accounts/tests/oidc_provider/)."""

import pytest

from peersupport.accounts.models import Role
from peersupport.accounts.tests.oidc_provider.process import PASSWORD as PROVIDER_PASSWORD
from peersupport.testing.factories import make_person, make_user

pytestmark = pytest.mark.browser


def sign_in_at_the_provider(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Riverside Health ID").click()
    page.wait_for_url("**/accounts/login/?next=/o/authorize/**")  # the provider's own page
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in to the provider").click()


def test_the_director_signs_in_through_the_provider_and_lands_signed_in(sso_on, site, new_page, assert_accessible):
    make_user(Role.DIRECTOR, email="dana.reyes@riverside.example",
              person=make_person(name="Dana Reyes", employee_id="E9001"))
    page = new_page(phone=True)
    page.goto("/accounts/login/")
    assert_accessible(page)

    sign_in_at_the_provider(page, "dana")

    # Back in the program, signed in: the provider asserted a second factor, so no code is asked.
    page.wait_for_url("**/queue/")
    assert page.get_by_role("button", name="Sign out").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def test_an_identity_with_no_login_lands_on_a_kind_page(sso_on, site, new_page, assert_accessible, settings):
    settings.PASSWORD_SIGNIN_ENABLED = False
    page = new_page()

    sign_in_at_the_provider(page, "stranger")

    page.get_by_role("heading", name="There is no login here for you yet").wait_for()
    assert "/accounts/sso/callback/" in page.url
    assert page.get_by_text("ask the program office to invite you").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the sign-in page").click()
    assert page.get_by_role("button", name="Sign out").count() == 0
    # Password sign-in is off: its form is folded away for the break-glass logins.
    assert page.get_by_text("Emergency sign-in with a password").is_visible()
    assert not page.get_by_label("Password").is_visible()
    assert_accessible(page)
