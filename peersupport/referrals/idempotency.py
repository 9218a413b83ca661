"""Keyed hashes of a referral's Idempotency-Key and body.

The key and the body's fingerprint are kept as HMACs with keys derived from SECRET_KEY
(`salted_hmac`), never as they were sent. Unlike the key itself, the hashes may outlive the
retention purge: they identify nothing without the server's secret, and a replay long after the
purge must still answer the original receipt (creating nothing), or the referrer could tell that
the referral's cases were closed and purged.

Hashes made with a key in SECRET_KEY_FALLBACKS still match, so rotating SECRET_KEY does not turn
a late replay into a new referral. The salts are part of the stored data: the data migration
`referrals.0002` uses the same ones.
"""

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

KEY_SALT = "peersupport.referrals.idempotency_key"
FINGERPRINT_SALT = "peersupport.referrals.request_fingerprint"
INTAKE_REF_SALT = "peersupport.referrals.intake_external_ref"


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _hmac(salt: str, value: str, secret: str) -> str:
    return salted_hmac(salt, value, secret=secret, algorithm="sha256").hexdigest()


def key_hash(key: str) -> str:
    """What is stored for an Idempotency-Key."""
    return _hmac(KEY_SALT, key, settings.SECRET_KEY)


def key_hashes(key: str) -> list[str]:
    """Every hash the key may have been stored under (the current secret's first)."""
    return [_hmac(KEY_SALT, key, secret) for secret in _secrets()]


def fingerprint_hash(fingerprint: str) -> str:
    """What is stored for a request body's fingerprint."""
    return _hmac(FINGERPRINT_SALT, fingerprint, settings.SECRET_KEY)


def fingerprint_matches(stored: str, fingerprint: str) -> bool:
    return any(constant_time_compare(stored, _hmac(FINGERPRINT_SALT, fingerprint, secret)) for secret in _secrets())


def intake_ref_hash(external_ref: str) -> str:
    """What is stored for the external_ref of a referral from the signed safety-report intake."""
    return _hmac(INTAKE_REF_SALT, external_ref.strip(), settings.SECRET_KEY)


def intake_ref_hashes(external_ref: str) -> list[str]:
    return [_hmac(INTAKE_REF_SALT, external_ref.strip(), secret) for secret in _secrets()]
