"""Sign-in lockout (django-axes): N failed passwords lock the account for a cool-off."""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from peersupport.accounts.models import Role
from peersupport.testing.factories import make_user

PASSWORD = "correct horse battery staple"
START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def sign_in(client, email: str, password: str, address: str = "203.0.113.7"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return client.get(reverse("referral-new")).status_code == 200


@pytest.fixture
def at_start(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def test_lockout_after_the_limit_then_unlock_after_the_cool_off(client, referrer, at_start, settings):
    assert settings.AXES_FAILURE_LIMIT == settings.LOGIN_FAILURE_LIMIT == 5
    for attempt in range(1, 5):
        response = sign_in(client, referrer.email, f"wrong {attempt}")
        assert response.status_code == 200, attempt  # the usual "wrong password"
    response = sign_in(client, referrer.email, "wrong 5")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins for this account" in page and "15 minutes" in page
    assert 'type="password"' in page  # still the sign-in page, not a bare error

    # Locked: even the right password is turned away, and the try does not extend the lock.
    at_start.move_to(START + timedelta(minutes=10), tick=False)
    response = sign_in(client, referrer.email, PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    at_start.move_to(START + timedelta(minutes=14, seconds=59), tick=False)
    assert sign_in(client, referrer.email, PASSWORD).status_code == 429

    # The cool-off is over.
    at_start.move_to(START + timedelta(minutes=15, seconds=1), tick=False)
    response = sign_in(client, referrer.email, PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_the_account_is_locked_from_every_address_and_whatever_the_case(client, referrer, at_start):
    for i in range(5):
        sign_in(client, referrer.email.upper() if i % 2 else referrer.email, "wrong", f"198.51.100.{i}")
    assert sign_in(client, f"  {referrer.email.title()} ", PASSWORD, "192.0.2.99").status_code == 429
    assert not signed_in(client)


def test_other_accounts_from_the_same_address_are_not_locked(client, referrer, at_start):
    for _ in range(5):
        sign_in(client, referrer.email, "wrong")
    other = make_user(Role.CLINICIAN)
    assert sign_in(client, other.email, PASSWORD).status_code == 302 and signed_in(client)


def test_an_unknown_email_locks_the_same_way(client, db, at_start):
    # The answer does not tell whether an account exists.
    responses = [sign_in(client, "nobody@example.org", "wrong") for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]


def test_a_successful_sign_in_resets_the_count(client, referrer, at_start):
    for _ in range(4):
        sign_in(client, referrer.email, "wrong")
    assert sign_in(client, referrer.email, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert sign_in(client, referrer.email, "wrong").status_code == 200
    assert sign_in(client, referrer.email, PASSWORD).status_code == 302


def test_axes_keeps_a_record_of_failures_and_lockouts(client, referrer, at_start):
    for _ in range(5):
        sign_in(client, referrer.email, "wrong")
    attempt = AccessAttempt.objects.get(username=referrer.email)
    assert attempt.failures_since_start == 5 and attempt.ip_address == "203.0.113.7"
    assert AccessFailureLog.objects.filter(username=referrer.email).count() == 5
    assert AccessFailureLog.objects.filter(username=referrer.email, locked_out=True).exists()
    assert "wrong" not in attempt.post_data  # the password is masked in axes' records


def test_the_limit_and_cool_off_follow_the_settings(client, referrer, at_start, settings):
    settings.AXES_FAILURE_LIMIT = settings.LOGIN_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    settings.LOGIN_LOCKOUT_MINUTES = 3
    assert sign_in(client, referrer.email, "wrong").status_code == 200
    response = sign_in(client, referrer.email, "wrong")
    assert response.status_code == 429 and "3 minutes" in response.content.decode()
    at_start.move_to(START + timedelta(minutes=3, seconds=1), tick=False)
    assert sign_in(client, referrer.email, PASSWORD).status_code == 302


def test_operator_unlocks_early(client, referrer, at_start):
    for _ in range(5):
        sign_in(client, referrer.email, "wrong")
    call_command("axes_reset_username", referrer.email, stdout=StringIO())
    assert sign_in(client, referrer.email, PASSWORD).status_code == 302


# What the page says, not only its status: an unknown address and a real one read the same.

# Tokens that change with every response: the CSRF token in each form, the CSP nonce on each script.
PER_REQUEST = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken" value="CSRF"'),
    (re.compile(r'nonce="[^"]*"'), 'nonce="NONCE"'),
]


def comparable(response, typed: str) -> str:
    """The page as shown, with the per-request tokens and the address the visitor typed blanked."""
    page = response.content.decode()
    for pattern, blank in PER_REQUEST:
        page = pattern.sub(blank, page)
    return page.replace(typed, "TYPED-ADDRESS")


def pages_for(email: str) -> list:
    """A fresh visitor's five wrong passwords for `email`: four refusals, then the lockout."""
    return [sign_in(Client(), email, f"wrong {attempt}") for attempt in range(1, 6)]


def test_an_unknown_address_and_a_real_one_get_the_same_pages_wrong_password_and_locked(referrer, at_start):
    unknown = "nobody@example.org"
    assert referrer.email != unknown and not referrer.email.startswith("nobody")
    real_pages, unknown_pages = pages_for(referrer.email), pages_for(unknown)
    assert [r.status_code for r in real_pages] == [r.status_code for r in unknown_pages] == [200] * 4 + [429]
    for real, other in zip(real_pages, unknown_pages, strict=True):
        assert comparable(real, referrer.email) == comparable(other, unknown)
    # The comparison is of the whole page, and the blanking leaves what a person reads.
    locked = comparable(real_pages[-1], referrer.email)
    assert "Too many failed sign-ins for this account" in locked and 'value="TYPED-ADDRESS"' in locked
    assert 'value="CSRF"' in locked and 'nonce="NONCE"' in locked
