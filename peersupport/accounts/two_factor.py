"""Two-step sign-in (TOTP) for the roles that see every case, and any others the settings name.

After the password, a director or administrator gives the 6-digit code from an authenticator
app; until then the session reaches nothing but the two-step pages and sign-out
(`TwoFactorRequiredMiddleware`). The first time, the enrollment page shows a new secret (as a QR
code and as text) and a correct code confirms it. A login may enroll only while it has no
confirmed device: replacing a lost phone is the operator's `reset_two_factor EMAIL`.

Devices are django-otp's `TOTPDevice`s; a verified session carries django-otp's device id
(`django_otp.login`), which `django_otp.middleware.OTPMiddleware` checks on every request.
"""

from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.translation import gettext
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from peersupport.accounts.models import PROGRAM_STAFF, User
from peersupport.accounts.sso import session_has_provider_mfa

DEVICE_NAME = "Authenticator app"


def two_factor_roles() -> frozenset[str]:
    """The director and administrator always; other roles when settings.TWO_FACTOR_ROLES names
    them (a hospital may ask it of supporters too, who read their own cases)."""
    return PROGRAM_STAFF | frozenset(settings.TWO_FACTOR_ROLES)


def requires_two_factor(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and isinstance(user, User) and user.role in two_factor_roles()


def second_step_pending(user: User | AnonymousUser, session: SessionBase | None = None) -> bool:
    """Signed in with the password but not yet with the code (fails closed without OTPMiddleware).

    Given the session, a single sign-on whose provider asserted a second factor the settings trust
    counts as the second step (`sso.session_has_provider_mfa`); without it, the code is asked.
    """
    if not requires_two_factor(user):
        return False
    if session_has_provider_mfa(session, user):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: User) -> TOTPDevice:
    """The device being enrolled: the same secret on every visit until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no image library needed)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4
    )
    svg: str = image.to_string(encoding="unicode")
    label = escape(gettext("QR code of the secret below"))
    return svg.replace("<svg ", f'<svg class="qr-code" role="img" aria-label="{label}" ', 1)


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    wait_until: datetime | None = None  # set when too many wrong codes ask for a pause


def check_code(device: TOTPDevice, code: str) -> CodeCheck:
    """Verify a code against a device, with django-otp's replay guard and back-off on failures."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(ok=False, wait_until=(info or {}).get("locked_until"))
        return CodeCheck(ok=bool(device.verify_token(code)))


def mark_verified(request: HttpRequest, device: TOTPDevice) -> None:
    """The session passed the second step: remember the device and give the session a new key."""
    from peersupport.accounts.sessions import rotate_session_key

    otp_login(request, device)
    rotate_session_key(request)
