"""Writing the audit trail. Every read and write of a case goes through `audit_record`."""

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


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    origin = current_origin()
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = obj.pk
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_label=getattr(actor, "email", "") if is_user else "anonymous",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        via=origin.via,
        ip=origin.ip,
        detail=detail or {},
    )


def audit_record_many(
    *, actor: Any, action: str, object_type: str, object_ids: list[int], detail: dict | None = None
) -> None:
    """One row per object, in one query (e.g. a list page that shows several cases)."""
    origin = current_origin()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor if is_user else None,
            actor_label=getattr(actor, "email", "") if is_user else "anonymous",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            via=origin.via,
            ip=origin.ip,
            detail=detail or {},
        )
        for object_id in object_ids
    )
