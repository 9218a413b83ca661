"""Two-step sign-in: directors and administrators give a TOTP code before anything else."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from peersupport.accounts.models import ApiToken, UserSession
from peersupport.accounts.testing import enrolled_device, force_login_unverified
from peersupport.audit.models import AuditEntry

PASSWORD = "correct horse battery staple"  # the factories' password
START = datetime(2026, 11, 26, 9, 0, 7, tzinfo=UTC)


def code_for(device: TOTPDevice) -> str:
    """What the person's authenticator app shows now: computed from the device's key."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 1) % 1_000_000:06d}"


@pytest.fixture
def half_signed_in(client, director):
    """The director gave the right password and has an authenticator, but no code yet."""
    device = enrolled_device(director)
    force_login_unverified(client, director)
    return device


@pytest.mark.parametrize("persona", ["director", "administrator"])
def test_staff_cannot_reach_any_page_before_the_code(client, request, persona):
    user = request.getfixturevalue(persona)
    enrolled_device(user)
    force_login_unverified(client, user)
    for name in ("queue", "cases", "roster", "program-settings", "referral-new", "home"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("two-factor") + "?next=")
    assert client.post(reverse("resource-new"), {"name": "x"}).status_code == 302


def test_before_the_code_the_page_offers_nothing_but_the_code_and_sign_out(client, half_signed_in):
    page = client.get(reverse("two-factor")).content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert f'href="{reverse("queue")}"' not in page  # no navigation yet
    assert reverse("logout") in page
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("two-factor")).status_code == 302  # signed out: to the login page


def test_htmx_requests_before_the_code_are_sent_to_the_code_page_whole(client, half_signed_in):
    response = client.get(reverse("roster-lookup"), {"q": "a"}, headers={
        "HX-Request": "true", "HX-Current-URL": "http://testserver/referrals/new/"})
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == reverse("two-factor") + "?next=%2Freferrals%2Fnew%2F"


def test_a_wrong_code_is_refused(client, half_signed_in, director):
    response = client.post(reverse("two-factor"), {"code": wrong_code(half_signed_in), "next": "/queue/"})
    assert response.status_code == 422
    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("queue")).status_code == 302
    assert AuditEntry.objects.filter(action="two_factor.refuse", object_id=str(director.pk)).exists()


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_a_malformed_code_is_refused_with_a_clear_message(client, half_signed_in, code):
    response = client.post(reverse("two-factor"), {"code": code})
    assert response.status_code == 422
    said = "This field is required." if not code else "Type the 6 digits your app shows."
    assert said in response.content.decode()
    assert client.get(reverse("queue")).status_code == 302


def test_the_right_code_lets_the_director_in(client, half_signed_in, director):
    key_before = client.session.session_key
    response = client.post(reverse("two-factor"), {"code": code_for(half_signed_in), "next": "/queue/"})
    assert response.status_code == 302 and response["Location"] == "/queue/"
    assert client.get(reverse("queue")).status_code == 200
    # The session got a new key on passing the second step, and the index follows it.
    key_after = client.session.session_key
    assert key_after != key_before
    assert not Session.objects.filter(session_key=key_before).exists()
    assert UserSession.objects.filter(user=director, session_key=key_after).exists()
    assert AuditEntry.objects.filter(action="two_factor.verify", object_id=str(director.pk)).exists()


def test_the_code_may_be_typed_with_a_space(client, half_signed_in):
    code = code_for(half_signed_in)
    response = client.post(reverse("two-factor"), {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302
    assert client.get(reverse("queue")).status_code == 200


def test_a_code_works_only_once(client, half_signed_in, director):
    from django.test import Client

    code = code_for(half_signed_in)
    assert client.post(reverse("two-factor"), {"code": code}).status_code == 302
    other = Client()
    force_login_unverified(other, director)
    assert other.post(reverse("two-factor"), {"code": code}).status_code == 422
    assert other.get(reverse("queue")).status_code == 302


def test_off_site_next_is_ignored(client, half_signed_in):
    response = client.post(reverse("two-factor"), {"code": code_for(half_signed_in),
                                                   "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_wrong_codes_slow_down_the_next_try(client, director, time_machine):
    time_machine.move_to(START, tick=False)
    half_signed_in = enrolled_device(director)
    force_login_unverified(client, director)
    for _ in range(3):
        client.post(reverse("two-factor"), {"code": wrong_code(half_signed_in)})
    response = client.post(reverse("two-factor"), {"code": code_for(half_signed_in)})
    assert response.status_code == 422 and "Too many wrong codes" in response.content.decode()
    time_machine.move_to(START + timedelta(seconds=31), tick=False)
    response = client.post(reverse("two-factor"), {"code": code_for(half_signed_in)})
    assert response.status_code == 302
    assert client.get(reverse("queue")).status_code == 200


def test_whole_sign_in_through_the_pages(client, director):
    device = enrolled_device(director)
    response = client.post(reverse("login"), {"username": director.email, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response["Location"])  # home → the code page
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor"))
    assert client.get(response["Location"]).status_code == 200
    assert client.post(reverse("two-factor"), {"code": code_for(device)}).status_code == 302
    assert client.get(reverse("queue")).status_code == 200


def test_first_sign_in_enrolls_an_authenticator(client, director):
    force_login_unverified(client, director)
    response = client.get(reverse("queue"))
    assert response["Location"].startswith(reverse("two-factor"))
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor-enroll"))
    page = client.get(reverse("two-factor-enroll")).content.decode()
    assert "<svg" in page and 'role="img"' in page and "<path" in page  # the QR code, inline SVG
    device = TOTPDevice.objects.get(user=director)
    assert not device.confirmed
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page  # and as text
    # Reloading shows the same secret (the app may have scanned it already).
    assert client.get(reverse("two-factor-enroll")).content.decode().count(secret[:4]) >= 1
    assert TOTPDevice.objects.filter(user=director).count() == 1
    # A wrong code does not confirm it.
    assert client.post(reverse("two-factor-enroll"), {"code": wrong_code(device)}).status_code == 422
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()
    response = client.post(reverse("two-factor-enroll"), {"code": code_for(device), "next": "/queue/"})
    assert response.status_code == 302 and response["Location"] == "/queue/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("queue")).status_code == 200
    assert AuditEntry.objects.filter(action="two_factor.enrol", object_id=str(director.pk)).exists()


def test_enrollment_is_closed_once_an_authenticator_is_confirmed(client, half_signed_in, director):
    # Otherwise a stolen password would be enough to put the thief's phone in place of the owner's.
    response = client.get(reverse("two-factor-enroll"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor"))
    assert client.post(reverse("two-factor-enroll"), {"code": "123456"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=director)) == [half_signed_in]


@pytest.mark.parametrize("persona", ["referrer", "outsider", "leader"])
def test_other_roles_are_not_asked_for_a_code(client, request, persona):
    user = request.getfixturevalue(persona)
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert reverse("two-factor") not in [url for url, _ in response.redirect_chain]
    assert client.get(reverse("two-factor")).status_code == 302  # nothing to do there


def test_supporter_is_not_asked_for_a_code(client, supporter_a):
    user = supporter_a.person.user
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert client.get(reverse("my-cases")).status_code == 200


def test_the_api_is_unaffected(client, director):
    enrolled_device(director)
    _, key = ApiToken.issue(director)
    response = client.get("/api/v1/resources", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_reset_two_factor_sends_the_director_back_to_enrollment(client, director, half_signed_in):
    assert client.post(reverse("two-factor"), {"code": code_for(half_signed_in)}).status_code == 302
    out = StringIO()
    call_command("reset_two_factor", director.email.upper(), stdout=out)
    assert "Removed 1 authenticator" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=director).exists()
    # Their sessions ended (the lost phone may hold one).
    assert client.get(reverse("queue"))["Location"].startswith(reverse("login"))
    force_login_unverified(client, director)
    response = client.get(reverse("two-factor"))
    assert response["Location"].startswith(reverse("two-factor-enroll"))
    assert AuditEntry.objects.filter(action="two_factor.reset", object_id=str(director.pk)).exists()


def test_a_hospital_may_ask_supporters_for_a_code_too(client, settings, supporter_a):
    settings.TWO_FACTOR_ROLES = ["supporter"]
    user = supporter_a.person.user
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    response = client.get(reverse("my-cases"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-enroll"))
    assert "my cases" not in response.content.decode().lower()


def test_the_director_gives_a_code_whatever_the_setting_names(settings, director):
    from peersupport.accounts.two_factor import requires_two_factor

    settings.TWO_FACTOR_ROLES = []
    assert requires_two_factor(director)


def test_an_unknown_role_in_the_setting_is_a_configuration_error(settings):
    from peersupport.accounts.apps import check_two_factor_roles

    settings.TWO_FACTOR_ROLES = ["supporter", "nurse"]
    [error] = check_two_factor_roles()
    assert error.id == "accounts.E001" and "'nurse'" in error.msg
