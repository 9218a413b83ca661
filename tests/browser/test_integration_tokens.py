"""The director makes, sees and revokes an integration token in a real browser, on a phone, with axe.

The key shown once is then used by a script (an HTTP client in the test) against the live server:
within its scope it works and its last use appears on the page; after "Revoke" it answers 401.
"""

import json
import urllib.error
import urllib.request

import pytest
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.testing.factories import make_person, make_user

pytestmark = pytest.mark.browser


def checked(page, assert_accessible, assert_no_horizontal_scroll) -> None:
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def post_referral(site: str, key: str, peer) -> int:
    body = {"event": {"category": "other", "occurred_on": timezone.localdate().isoformat(),
                      "summary": "A hard night on the ward."},
            "involved": [{"employee_id": peer.employee_id}], "source": "safety_report"}
    request = urllib.request.Request(site + "/api/v1/referrals", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json",
                                              "Idempotency-Key": "browser-1"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the live test server
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_director_makes_a_token_on_a_phone_sees_its_last_use_and_revokes_it(
    team, site, new_page, sign_in, assert_accessible, assert_no_horizontal_scroll
):
    feed = make_user(Role.INTEGRATION, email="safety-system@example.org")
    peer = make_person(name="Pat Peer", department="Emergency")
    director = new_page(phone=True)
    sign_in(director, team.director.email, team.password)
    director.goto("/logins/tokens/")
    checked(director, assert_accessible, assert_no_horizontal_scroll)

    director.get_by_test_id("new-token").click()
    checked(director, assert_accessible, assert_no_horizontal_scroll)
    director.get_by_label("Name").fill("Safety reporting")
    director.get_by_label("Acts as the login").select_option(label=feed.email)
    director.get_by_label("Referrals only").check()
    director.get_by_test_id("make-token").click()
    key = director.get_by_test_id("api-token-key").inner_text().strip()
    assert key.startswith("pst_")
    checked(director, assert_accessible, assert_no_horizontal_scroll)
    row = director.get_by_test_id("api-token-row")
    assert row.get_by_test_id("api-token-scope").inner_text() == "Referrals only"
    assert row.get_by_test_id("api-token-last-used").inner_text() == "Never"

    assert post_referral(site, key, peer) == 201
    director.reload()
    assert director.get_by_test_id("api-token-key").count() == 0  # shown once
    assert director.get_by_test_id("api-token-last-used").inner_text() != "Never"

    director.get_by_test_id("revoke-link").click()
    checked(director, assert_accessible, assert_no_horizontal_scroll)
    director.get_by_test_id("confirm-revoke").click()
    assert director.get_by_test_id("api-token-state").inner_text() == "Revoked"
    assert post_referral(site, key, peer) == 401
