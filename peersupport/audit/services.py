"""Writing the audit trail. Every read and write of a case goes through `audit_record`.

What to record, and how:
- a read or a change of one object: `audit_record(actor=user, action="case.view", obj=case)`;
  a page or an answer that lists several: `audit_record_many(...)`, one row per object.
- an export (a download, a report file, an API dump): one entry per export, written before
  the file is handed over, naming what left the program and how much, never its contents::

      audit_record(actor=request.user, action="export", object_type="report",
                   object_id="quarterly-2026Q3", detail={"format": "csv", "rows": len(rows),
                                                         "cases": [c.pk for c in cases]})

  An export of case data lists the case ids in `detail` (or records `audit_record_many(...,
  action="case.export")`), so the case's "Who has seen this case" shows it.
- sign-ins, sign-outs and refused sign-ins are recorded by `peersupport.audit.signals`, and
  every refused request (401, 403, or 404 from a view's access gate) by
  `peersupport.audit.middleware.AccessDeniedAuditMiddleware`.

Writing an entry takes no lock and waits for nothing: it is one INSERT in the caller's
transaction, and the sealing step chains it a few seconds after it commits
(`peersupport.audit.chain`).

`detail` holds ids, field names, counts and choices only: never a peer's name, contact, event
text or anything said in a conversation. Entries are append-only and hash-chained
(`peersupport.audit.chain`); `manage.py verify_audit` checks the chain.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models

from peersupport.audit.models import AuditEntry


@dataclass(frozen=True)
class Origin:
    via: str = "command"
    ip: str | None = None


_origin: contextvars.ContextVar[Origin] = contextvars.ContextVar("audit_origin", default=Origin())  # noqa: B039 - frozen


@contextmanager
def audit_origin(via: str, ip: str | None = None) -> Iterator[None]:
    """Everything audited inside this block is marked as coming from `via` and `ip`."""
    token = _origin.set(Origin(via=via, ip=ip))
    try:
        yield
    finally:
        _origin.reset(token)


def current_origin() -> Origin:
    return _origin.get()


@dataclass(frozen=True)
class SystemActor:
    """A system outside the program that acts with no login, named in the trail by its label."""

    label: str


SAFETY_REPORTING_SYSTEM = SystemActor("safety-reporting system")


def _actor_fields(actor: Any) -> dict[str, Any]:
    if isinstance(actor, SystemActor):
        return {"actor": None, "actor_label": actor.label}
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return {
        "actor": actor if is_user else None,
        "actor_label": (getattr(actor, "email", "") or "") if is_user else "anonymous",
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry. `ip` overrides the request's address (e.g. from a signal's request)."""
    origin = current_origin()
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = obj.pk
    return AuditEntry.objects.create(
        **_actor_fields(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        via=origin.via,
        ip=ip or origin.ip,
        detail=detail or {},
    )


@dataclass(frozen=True)
class Entry:
    """One entry for `audit_record_all`."""

    action: str
    object_type: str
    object_ids: list[int]
    detail: dict[str, Any] | None = None


def audit_record_many(
    *, actor: Any, action: str, object_type: str, object_ids: list[int], detail: dict[str, Any] | None = None
) -> None:
    """One row per object, in one query (e.g. a list page that shows several cases)."""
    audit_record_all(actor=actor, entries=[Entry(action, object_type, object_ids, detail)])


def audit_record_all(*, actor: Any, entries: list[Entry]) -> None:
    """Several kinds of entry by one actor in one query (a referral and the cases it opened)."""
    origin = current_origin()
    actor_fields = _actor_fields(actor)
    rows = [
        AuditEntry(
            **actor_fields,
            action=entry.action,
            object_type=entry.object_type,
            object_id=str(object_id),
            via=origin.via,
            ip=origin.ip,
            detail=entry.detail or {},
        )
        for entry in entries
        for object_id in entry.object_ids
    ]
    if rows:
        AuditEntry.objects.bulk_create(rows)
