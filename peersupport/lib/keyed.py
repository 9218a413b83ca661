"""Keyed hashes of what people type, so requests can be counted without keeping what was typed.

An email address or a client's IP address is never stored for a rate limit or for an audit entry
about an address that is no login: only its HMAC (SHA-256, keyed by SECRET_KEY with a salt per
purpose), which no one without the key can turn back into the address or test guesses against.
"""

from django.utils.crypto import salted_hmac


def normalize_address(address: str) -> str:
    """An email address as logins and the roster match it: no surrounding spaces, any case."""
    return (address or "").replace("\x00", "").strip().lower()


def address_digest(address: str) -> str:
    """A keyed hash of an email address, whatever its letter case or surrounding spaces."""
    return salted_hmac("peersupport.keyed.address", normalize_address(address), algorithm="sha256").hexdigest()


def client_digest(client_ip: str | None) -> str:
    """A keyed hash of a client's IP address, so requests from one client can be counted."""
    return salted_hmac("peersupport.keyed.client", client_ip or "unknown", algorithm="sha256").hexdigest()
