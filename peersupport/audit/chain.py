"""The hash chain that makes tampering with the audit trail detectable.

Each entry stores `prev_hash` (the `entry_hash` of the entry before it, in primary-key order)
and `entry_hash`, the SHA-256 of a canonical JSON of its own fields plus `prev_hash`. Editing a
row breaks its own hash; deleting or inserting one breaks the link to the next; rewriting
every later hash to hide it changes the head, which `verify_audit` prints so it can be kept
elsewhere.

Appends are serialised so that no two entries ever chain on the same predecessor:
- PostgreSQL: `audit_chain_head()` (installed by migration 0002) takes the transaction-level
  advisory lock `CHAIN_LOCK` and only then reads the newest hash, in one round trip. The lock is
  held until the transaction commits, so the next writer sees the committed head. It relies on
  READ COMMITTED, Django's default isolation level.
- SQLite: every transaction here begins IMMEDIATE (settings.py), so it holds the database's
  write lock from its first statement; reading the head inside it is already serialised.
"""

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.db import connections

GENESIS = "0" * 64
# An arbitrary constant: the key of the PostgreSQL advisory lock that serialises appends.
CHAIN_LOCK = 0x61756469745F6C6B  # "audit_lk"
# The fields a hash covers, in the order `verify_audit` reads them.
HASHED_FIELDS = ("at", "actor_id", "actor_label", "action", "object_type", "object_id", "via", "ip", "detail")


def _canonical_number(value: Any) -> Any:
    # PostgreSQL's jsonb gives 1e16 back as 10000000000000000: integral floats hash as integers.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(key): _canonical_number(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical_number(item) for item in value]
    return value


@lru_cache(maxsize=4096)  # the same few addresses, over and over, when verifying millions
def _canonical_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        # One spelling whatever the database prints (PostgreSQL's inet may shorten IPv6).
        return ipaddress.ip_address(ip).exploded
    except ValueError:
        return ip


def _canonical_at(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_digest(fields: dict[str, Any], prev_hash: str, *, from_database: bool = False) -> str:
    """SHA-256 (hex) of one entry's fields and its predecessor's hash, in canonical JSON."""
    detail = fields["detail"] or {}
    if not from_database:
        # What is hashed is what the database will give back: tuples become lists, keys strings.
        detail = json.loads(json.dumps(detail))
    payload = {
        "at": _canonical_at(fields["at"]),
        "actor": fields["actor_id"],
        "actor_label": fields["actor_label"] or "",
        "action": fields["action"] or "",
        "object_type": fields["object_type"] or "",
        "object_id": str(fields["object_id"] or ""),
        "via": fields["via"] or "",
        "ip": _canonical_ip(fields["ip"]),
        "detail": _canonical_number(detail),
        "prev": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _fields_of(entry: Any) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in HASHED_FIELDS}


def chain_head_for_append(using: str) -> str:
    """The newest entry's hash, with appends locked until this transaction ends.

    Call it inside `transaction.atomic(using=using)`: the lock (PostgreSQL) or the write lock
    (SQLite) must last until the new entries are committed.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT audit_chain_head()")
        else:
            cursor.execute("SELECT entry_hash FROM audit_auditentry ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    return (row[0] if row else None) or GENESIS


def lock_for_append(using: str) -> None:
    """Take the lock that serialises appends now, before this transaction locks any row.

    A transaction that locks a row and only then appends would wait for the chain's lock while
    holding the row; one that appended first (holding the chain's lock) and then asks for that
    row waits for it: a deadlock. Taking the chain's lock first in every audited transaction
    gives one order for all of them. On SQLite the transaction's write lock already is that order.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def seal(entries: Iterable[Any], using: str) -> None:
    """Give new, unsaved entries their place in the chain, in the order given."""
    prev = chain_head_for_append(using)
    for entry in entries:
        entry.prev_hash = prev
        entry.entry_hash = entry_digest(_fields_of(entry), prev)
        prev = entry.entry_hash


@dataclass(frozen=True)
class ChainReport:
    count: int
    head: str
    broken_at: int | None = None  # the primary key of the first entry that does not verify
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_rows(rows: Iterator[tuple[Any, ...]]) -> ChainReport:
    """Check rows of (pk, prev_hash, entry_hash, *HASHED_FIELDS) given in primary-key order."""
    expected_prev = GENESIS
    previous_pk: int | None = None
    count = 0
    for pk, prev_hash, entry_hash, *values in rows:
        fields = dict(zip(HASHED_FIELDS, values, strict=True))
        if entry_digest(fields, prev_hash, from_database=True) != entry_hash:
            return ChainReport(count, expected_prev, pk,
                               f"entry {pk} was changed: its contents no longer match its hash")
        if prev_hash != expected_prev:
            where = f"after entry {previous_pk}" if previous_pk is not None else "at the start"
            return ChainReport(count, expected_prev, pk,
                               f"entry {pk} does not follow the entry before it ({where}): "
                               f"an entry was deleted there, or entry {pk} was inserted")
        expected_prev = entry_hash
        previous_pk = pk
        count += 1
    return ChainReport(count, expected_prev)
