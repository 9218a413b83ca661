"""The hash chain that makes tampering with the audit trail detectable.

Writing an entry takes no lock: a request only INSERTs it, with its primary key from the
database's sequence and no place in the chain yet. A single sealing step then gives the entries
that have committed their place, in primary-key order, a few seconds later: `manage.py seal_audit
--loop 5` beside the worker, and `verify_audit` before it verifies. So no request ever waits for
another request's audit entries (before, every audited transaction took one advisory lock until it
committed, and a 200-case plan held up every case page in the hospital).

Each sealed entry stores `seal_seq` (its place), `prev_hash` (the `entry_hash` of the entry sealed
before it) and `entry_hash`, the SHA-256 of a canonical JSON of its own fields plus `prev_hash`.
Editing a row breaks its own hash; deleting or inserting one breaks the link to the next;
rewriting every later hash to hide it changes the head, which `verify_audit --anchor` catches.

An entry that commits late (its transaction began before another's and ended after it) is simply
sealed in a later round, after entries with higher primary keys: the chain's order is the order
of sealing, never assumed from the keys. Sealing changes nothing an entry says: the database's
trigger (migration 0003) lets an UPDATE through only when it gives an unsealed entry its place
and hashes and leaves every other column as it was.

The window of unsealed entries is bounded by the sealing step's interval while it runs, and
reported: `seal_audit` and `verify_audit` print how many entries waited and for how long, and
the director's queue warns when the oldest unsealed entry is older than
`AUDIT_UNSEALED_ALERT_SECONDS` (the sealing step is not running). An entry is tamper-evident from
the moment it is sealed.

Sealers are serialised among themselves: on PostgreSQL by the advisory lock `SEAL_LOCK`, taken
only by the sealing step; on SQLite by the write lock every transaction here begins with.
"""

import hashlib
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.db import connections, models, transaction

GENESIS = "0" * 64
# An arbitrary constant: the key of the PostgreSQL advisory lock that serialises sealers (only
# the sealing step takes it; nothing in a request does).
SEAL_LOCK = 0x61756469745F736C  # "audit_sl"
SEAL_BATCH = 2000
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


@dataclass(frozen=True)
class Pending:
    """Entries committed but not sealed yet."""

    count: int
    oldest_at: datetime | None

    def age_seconds(self, now: datetime) -> float:
        return 0.0 if self.oldest_at is None else max(0.0, (now - self.oldest_at).total_seconds())


def pending(using: str) -> Pending:
    """How many committed entries wait to be sealed, and since when (the partial index
    `audit_unsealed` keeps this cheap however long the trail)."""
    from peersupport.audit.models import AuditEntry

    found = AuditEntry.objects.using(using).filter(seal_seq__isnull=True).aggregate(
        count=models.Count("pk"), oldest=models.Min("at"))
    return Pending(found["count"], found["oldest"])


def seal_pending(using: str, *, batch_size: int = SEAL_BATCH) -> int:
    """Seal every entry committed so far, in primary-key order, in transactions of `batch_size`
    entries; the number sealed. Entries committed while it runs are left to the next round once
    it has sealed those that existed when it began, so a busy trail cannot keep it going."""
    from peersupport.audit.models import AuditEntry

    last = AuditEntry.objects.using(using).filter(seal_seq__isnull=True).aggregate(last=models.Max("pk"))["last"]
    sealed = 0
    while last is not None:
        with transaction.atomic(using=using):
            done, highest = _seal_batch(using, batch_size, up_to=last)
        sealed += done
        if done < batch_size or highest is None or highest >= last:
            break
    return sealed


def _seal_batch(using: str, batch_size: int, *, up_to: int) -> tuple[int, int | None]:
    from peersupport.audit.models import AuditEntry

    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
        # Read after the lock: under READ COMMITTED each statement sees what committed before it.
        cursor.execute("SELECT seal_seq, entry_hash FROM audit_auditentry "
                       "WHERE seal_seq IS NOT NULL ORDER BY seal_seq DESC LIMIT 1")
        head = cursor.fetchone()
    seq, prev = (int(head[0]), str(head[1])) if head else (0, GENESIS)
    rows = list(
        AuditEntry.objects.using(using)
        .filter(seal_seq__isnull=True, pk__lte=up_to)
        .order_by("pk")
        .values_list("pk", *HASHED_FIELDS)[:batch_size]
    )
    if not rows:
        return 0, None
    ids, places, prevs, hashes = [], [], [], []
    for pk, *values in rows:
        seq += 1
        digest = entry_digest(dict(zip(HASHED_FIELDS, values, strict=True)), prev, from_database=True)
        ids.append(pk)
        places.append(seq)
        prevs.append(prev)
        hashes.append(digest)
        prev = digest
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE audit_auditentry AS entry SET seal_seq = v.seq, prev_hash = v.prev, entry_hash = v.hash "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::varchar[]) AS v(id, seq, prev, hash) "
                "WHERE entry.id = v.id",
                [ids, places, prevs, hashes],
            )
        else:
            cursor.executemany(
                "UPDATE audit_auditentry SET seal_seq = %s, prev_hash = %s, entry_hash = %s WHERE id = %s",
                list(zip(places, prevs, hashes, ids, strict=True)),
            )
    return len(rows), ids[-1]


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
    """Check rows of (pk, prev_hash, entry_hash, *HASHED_FIELDS) of sealed entries, given in the
    order they were sealed (`seal_seq`)."""
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
