"""Reading the audit trail."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from peersupport.audit.chain import Pending, pending
from peersupport.audit.labels import action_label
from peersupport.audit.models import AuditEntry

if TYPE_CHECKING:
    from peersupport.cases.models import Case

CASE_ACCESS_LOG_SIZE = 50
VIA_LABELS = {"web": "web", "api": "API", "worker": "background worker", "command": "command line"}


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    who: str
    what: str
    action: str
    via: str
    ip: str
    refused: bool


def _row(entry: AuditEntry) -> AccessRow:
    what = action_label(entry.action)  # the same words as the peer's own page
    if entry.action == "access.denied":
        what = f"{what} ({entry.detail.get('method', '')} {entry.detail.get('status', '')})".replace(" )", ")")
    return AccessRow(
        at=entry.at,
        who=entry.actor_label or "the program",
        what=what,
        action=entry.action,
        via=VIA_LABELS.get(entry.via, entry.via),
        ip=entry.ip or "",
        refused=entry.action == "access.denied",
    )


def case_access_log(case: "Case", limit: int = CASE_ACCESS_LOG_SIZE) -> list[AccessRow]:
    """Who has seen or changed this case, newest first: what the director sees on its page.

    Includes refused attempts (`access.denied`) at the case's address, so a colleague probing a
    case that is not theirs shows up too.
    """
    entries = AuditEntry.objects.for_object("case", case.pk).order_by("-at", "-pk")[:limit]
    return [_row(entry) for entry in entries]


def unsealed_audit_alert(using: str = DEFAULT_DB_ALIAS) -> Pending | None:
    """The entries waiting to be sealed, when the oldest has waited longer than
    `AUDIT_UNSEALED_ALERT_SECONDS` (the sealing step is not running); otherwise None."""
    waiting = pending(using)
    if waiting.count and waiting.age_seconds(timezone.now()) > settings.AUDIT_UNSEALED_ALERT_SECONDS:
        return waiting
    return None
