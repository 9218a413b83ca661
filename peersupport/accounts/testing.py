"""Test helpers for two-step sign-in (used by the root conftest and the browser tests).

`client.force_login(user)` in a test stands for a completed sign-in. For a director or
administrator a completed sign-in includes the code, so the root conftest makes force_login
also pass the second step (`force_login_verified`), with a real confirmed TOTP device and
django-otp's own session marker; the production check is unchanged. Tests of the second step
itself use `force_login_unverified` (Django's force_login as it is).

django-axes checks every authenticate() for lockout and needs the request, so a test that
signs in with a password passes one: `client.login(request=RequestFactory().post("/accounts/login/"),
username=..., password=...)` (force_login needs nothing).
"""

import time
from typing import TYPE_CHECKING

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from peersupport.accounts.models import User
from peersupport.accounts.two_factor import DEVICE_NAME, confirmed_device, requires_two_factor

if TYPE_CHECKING:
    from playwright.sync_api import Page

_django_force_login = Client.force_login


def force_login_unverified(client: Client, user: User, backend: str | None = None) -> None:
    """Signed in with the password only."""
    _django_force_login(client, user, backend)


def force_login_verified(client: Client, user: User, backend: str | None = None) -> None:
    """Signed in, and past the second step where the role has one."""
    _django_force_login(client, user, backend)
    if requires_two_factor(user):
        device = enrolled_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def enrolled_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator, set up now if they have none."""
    return confirmed_device(user) or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code an authenticator app with this device's key shows at `at` (default: now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def fresh_totp_code(device: TOTPDevice) -> str:
    """A code the device will accept now. Codes are single-use (django-otp remembers the last time
    step it accepted), so a second sign-in within the same 30 seconds takes the next step's code,
    which the device's tolerance of one step allows, or waits for it."""
    device.refresh_from_db()
    while True:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        now_t = totp.t()
        t = max(now_t, device.last_t + 1)
        if t <= now_t + device.tolerance:
            return f"{hotp(device.bin_key, t, digits=device.digits):0{device.digits}d}"
        time.sleep(0.5)


def pass_second_step(page: "Page", email: str, *, keyboard: bool = False) -> None:
    """In a browser test (Playwright page): a director or administrator on the code page gives
    the code their authenticator app would show, computed from the device's key, enrolling first
    if they have no authenticator yet. Does nothing on any other page."""
    if "/accounts/two-factor/" not in page.url:
        return
    enrolling = "/enroll/" in page.url
    device = TOTPDevice.objects.filter(user__email__iexact=email, confirmed=not enrolling).latest("pk")
    code = fresh_totp_code(device)
    if keyboard:
        # The code field has focus when the page opens; wait for it, as keys typed before are lost.
        page.wait_for_function("document.activeElement && document.activeElement.name === 'code'")
        page.keyboard.type(code)
        page.keyboard.press("Enter")
    else:
        page.get_by_label("6-digit code").fill(code)
        page.get_by_role("button", name="Confirm" if enrolling else "Continue").click()
    page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)
