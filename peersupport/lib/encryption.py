"""Encryption at rest of what identifies a peer, and keyed hashes to find it again.

A peer's email address and phone number, and the event's one sentence, are stored as Fernet
tokens (AES-128-CBC with an HMAC-SHA256, from the cryptography library) under keys that live in
the environment, never in the database: a copy of the database holds only ciphertext for them.

`FIELD_ENCRYPTION_KEYS` lists one or more Fernet keys, comma-separated: the first encrypts, every
one of them decrypts (MultiFernet), so a new key can be put first while rows written under the
old one still read; `manage.py rotate_encryption_key` then re-encrypts them, and the old key can
go. A Fernet token is random each time, so a column of them cannot be searched for a value: an
equality lookup (a person by their email address) reads a keyed hash column instead, the
HMAC-SHA256 of the normalized value under `FIELD_HASH_KEY` (its first key writes; all are looked
up, so that key can be rotated the same way).

One MultiFernet is made per process and per list of keys (Fernet derives nothing per call, so
encrypting a batch of a thousand people costs a few milliseconds).
"""

import hashlib
import hmac
from collections.abc import Sequence
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = [
    "InvalidToken",
    "decrypt",
    "encrypt",
    "is_under_current_key",
    "lookup_hash",
    "lookup_hashes",
    "rotate",
]


@lru_cache(maxsize=4)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    """The MultiFernet of all keys and the Fernet of the first, made once per list of keys."""
    each = [Fernet(key.encode("ascii")) for key in keys]
    return MultiFernet(each), each[0]


def _keys() -> tuple[str, ...]:
    return tuple(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(text: str) -> str:
    """The Fernet token of a text under the first key; an empty text stays empty (nothing to hide,
    and `exclude(email="")` keeps working)."""
    if text == "":
        return ""
    return _fernets(_keys())[0].encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a token written under any of the keys. Raises InvalidToken for anything else
    (a key removed too early, or a value that was never encrypted)."""
    if not token:
        return ""
    return _fernets(_keys())[0].decrypt(token.encode("ascii")).decode("utf-8")


def is_under_current_key(token: str) -> bool:
    """Whether a token was written under the first key (so a rotation has nothing to do)."""
    if not token:
        return True
    try:
        _fernets(_keys())[1].decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """The same text under the first key (MultiFernet.rotate); an empty value stays empty."""
    if not token:
        return ""
    return _fernets(_keys())[0].rotate(token.encode("ascii")).decode("ascii")


def _hash_under(key: str, normalized: str) -> str:
    return hmac.new(key.encode("utf-8"), normalized.encode("utf-8"), hashlib.sha256).hexdigest()


def lookup_hash(normalized: str) -> str:
    """The keyed hash a row stores for a normalized value, under the first hash key; "" for "",
    so a blank value never matches anything."""
    if normalized == "":
        return ""
    return _hash_under(settings.FIELD_HASH_KEYS[0], normalized)


def lookup_hashes(normalized: str) -> Sequence[str]:
    """Every hash a row may hold for a normalized value: one per hash key (during a rotation of
    FIELD_HASH_KEY, rows not yet rewritten hold the old key's)."""
    if normalized == "":
        return []
    return [_hash_under(key, normalized) for key in settings.FIELD_HASH_KEYS]
