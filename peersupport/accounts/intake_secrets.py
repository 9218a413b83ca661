"""The shared secret that signs the safety-reporting system's intake, and checking a signature.

A request to `POST /api/v1/intake/safety-report` carries `X-PeerSupport-Timestamp` (Unix seconds)
and `X-PeerSupport-Signature: sha256=<hex HMAC-SHA256 under the secret of "{timestamp}.{raw
body}">`. The secret is never stored: each `IntakeSecret` row holds a random salt, and the secret
is HMAC-SHA256(SECRET_KEY, salt), so a copy of the database (a backup) cannot sign a request.
Secrets derived under a key in SECRET_KEY_FALLBACKS still verify while that key is listed.

`manage.py intake_secret --rotate` makes a new secret and prints it once; the one it replaces stays
valid until `--retire-old`, so the reporting system can switch without a moment refused.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from peersupport.accounts.models import IntakeSecret
from peersupport.audit.services import audit_record
from peersupport.lib.errors import Conflict

TIMESTAMP_HEADER = "X-PeerSupport-Timestamp"
SIGNATURE_HEADER = "X-PeerSupport-Signature"
# A request signed longer ago than this, or this far ahead of the server's clock, is a replay.
TOLERANCE_SECONDS = 300
LABEL = "psis_"  # what every intake secret starts with, so it is recognized in a vault
_DERIVE_SALT = "peersupport.accounts.intake_secret"
_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})")
# As for API tokens: recording each use to the minute keeps a busy feed from writing on every call.
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_VALID = 2


class SignatureRefused(Exception):
    """A missing, malformed, wrong or stale signature: 401, naming the header and what is wrong."""

    def __init__(self, header: str, detail: str) -> None:
        super().__init__(detail)
        self.header = header
        self.detail = detail


class IntakeNotConfigured(Exception):
    detail = ("The safety-report intake is not set up: no intake secret is configured. The program's "
              "operator runs `python manage.py intake_secret --rotate` and gives the secret it prints to "
              "the reporting system.")


def _derive(salt: str, key: str) -> str:
    return LABEL + salted_hmac(_DERIVE_SALT, salt, secret=key, algorithm="sha256").hexdigest()


def _keys() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp` (what the reporting system computes)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def valid_secrets() -> list[IntakeSecret]:
    """The secrets that verify now, newest first (at most two)."""
    return list(IntakeSecret.objects.filter(retired_at__isnull=True).order_by("-created_at", "-pk"))


def verify(*, timestamp: str | None, signature: str | None, body: bytes, now: datetime | None = None) -> IntakeSecret:
    """The secret that signed this request, or SignatureRefused / IntakeNotConfigured saying why not."""
    candidates = valid_secrets()
    if not candidates:
        raise IntakeNotConfigured
    if not timestamp:
        raise SignatureRefused(TIMESTAMP_HEADER, f"The {TIMESTAMP_HEADER} header is missing: send the Unix time "
                                                 "(whole seconds) at which the request was signed.")
    if not re.fullmatch(r"[0-9]{1,12}", timestamp):
        raise SignatureRefused(TIMESTAMP_HEADER, f"The {TIMESTAMP_HEADER} header must be the Unix time in whole "
                                                 f"seconds, such as 1764500000; it was “{timestamp[:40]}”.")
    if not signature:
        raise SignatureRefused(SIGNATURE_HEADER, f"The {SIGNATURE_HEADER} header is missing: send sha256= followed "
                                                 "by the hex HMAC-SHA256, under the intake secret, of "
                                                 "“{timestamp}.{raw body}”.")
    match = _SIGNATURE.fullmatch(signature.strip())
    if match is None:
        raise SignatureRefused(SIGNATURE_HEADER, f"The {SIGNATURE_HEADER} header must be sha256= followed by 64 "
                                                 "hexadecimal characters (the HMAC-SHA256 of “{timestamp}.{raw "
                                                 "body}” under the intake secret).")
    given = match.group(1).lower()
    signed = next((row for row in candidates if _matches(row, timestamp, body, given)), None)
    if signed is None:
        raise SignatureRefused(SIGNATURE_HEADER, f"The {SIGNATURE_HEADER} header does not match: sign exactly "
                                                 "the bytes sent, “{timestamp}.{raw body}” with the "
                                                 f"{TIMESTAMP_HEADER} value, under the current intake secret.")
    now = now or timezone.now()
    age = int(now.timestamp()) - int(timestamp)
    if age > TOLERANCE_SECONDS:
        raise SignatureRefused(TIMESTAMP_HEADER, f"The request was signed {age} seconds ago, more than "
                                                 f"{TOLERANCE_SECONDS}: refused as a replay. Sign each request "
                                                 "when it is sent, with a clock kept on time.")
    if age < -TOLERANCE_SECONDS:
        raise SignatureRefused(TIMESTAMP_HEADER, f"The {TIMESTAMP_HEADER} is {-age} seconds ahead of the server's "
                                                 f"clock, more than {TOLERANCE_SECONDS}: refused as a replay. "
                                                 "Check the sending system's clock.")
    if signed.last_used_at is None or now - signed.last_used_at > LAST_USED_PRECISION:
        IntakeSecret.objects.filter(pk=signed.pk).update(last_used_at=now)
    return signed


def _matches(row: IntakeSecret, timestamp: str, body: bytes, given: str) -> bool:
    found = False
    for key in _keys():
        expected = sign(_derive(row.salt, key), timestamp, body).removeprefix("sha256=")
        # Every candidate is compared, in constant time, whichever matches.
        found = hmac.compare_digest(expected, given) or found
    return found


def intake_secret_rotate() -> str:
    """A new secret, returned once; the one it replaces stays valid until `intake_secret_retire_old`."""
    with transaction.atomic():
        valid = list(IntakeSecret.objects.select_for_update().filter(retired_at__isnull=True).order_by("created_at"))
        if len(valid) >= MAX_VALID:
            raise Conflict(gettext("Two intake secrets are already valid. Once the reporting system uses the newer "
                                   "one, run `intake_secret --retire-old`, then rotate again."))
        row = IntakeSecret.objects.create(salt=secrets.token_hex(32))
        audit_record(actor=None, action="intake_secret.rotate", obj=row, detail={"still_valid": len(valid)})
    return _derive(row.salt, settings.SECRET_KEY)


def intake_secret_retire_old() -> int:
    """Every secret but the newest stops verifying. Returns how many were retired."""
    with transaction.atomic():
        valid = list(IntakeSecret.objects.select_for_update().filter(retired_at__isnull=True)
                     .order_by("-created_at", "-pk"))
        old = [row.pk for row in valid[1:]]
        if old:
            IntakeSecret.objects.filter(pk__in=old).update(retired_at=timezone.now())
            audit_record(actor=None, action="intake_secret.retire", object_type="intakesecret",
                         object_id=",".join(str(pk) for pk in old), detail={"retired": len(old)})
    return len(old)


@dataclass(frozen=True)
class SecretState:
    number: int
    created_at: datetime
    last_used_at: datetime | None
    current: bool


def intake_secret_state() -> list[SecretState]:
    """The valid secrets, newest first, without the secrets themselves."""
    return [SecretState(number=row.pk, created_at=row.created_at, last_used_at=row.last_used_at, current=index == 0)
            for index, row in enumerate(valid_secrets())]
