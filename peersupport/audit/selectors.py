"""Reading the audit trail."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peersupport.audit.chain import Pending, pending
from peersupport.audit.labels import action_label
from peersupport.audit.models import AuditEntry
from peersupport.cases.access import grants_of_case

if TYPE_CHECKING:
    from peersupport.cases.models import BreakGlassGrant, Case

CASE_ACCESS_LOG_SIZE = 50
VIA_LABELS = {"web": _("web"), "api": _("API"), "worker": _("background worker"), "command": _("command line")}


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    who: str
    what: str
    action: str
    via: str
    ip: str
    refused: bool
    # Under an administrator's emergency grant (break-glass): its reason and its end.
    emergency_reason: str = ""
    emergency_until: datetime | None = None


def _row(entry: AuditEntry, grant: "BreakGlassGrant | None" = None) -> AccessRow:
    what = action_label(entry.action)  # the same words as the peer's own page
    if entry.action == "access.denied":
        what = f"{what} ({entry.detail.get('method', '')} {entry.detail.get('status', '')})".replace(" )", ")")
    return AccessRow(
        at=entry.at,
        who=entry.actor_label or gettext("the program"),
        what=what,
        action=entry.action,
        via=str(VIA_LABELS.get(entry.via, entry.via)),
        ip=entry.ip or "",
        refused=entry.action == "access.denied",
        emergency_reason=grant.get_reason_display() if grant else "",
        emergency_until=grant.expires_at if grant else None,
    )


def _grant_of(entry: AuditEntry, grants: "list[BreakGlassGrant]") -> "BreakGlassGrant | None":
    """The emergency grant an entry was made under: the one its detail names (a single case
    opened through the gate), or one of its actor's that was live at that moment (a list of
    cases, or the grant itself)."""
    named = entry.detail.get("break_glass") if isinstance(entry.detail, dict) else None
    for grant in grants:
        if named is not None and grant.pk == named:
            return grant
    if entry.action == "access.denied":
        return None
    return next((grant for grant in grants if grant.administrator_id == entry.actor_id
                 and grant.granted_at <= entry.at < grant.expires_at), None)


def case_access_log(case: "Case", limit: int = CASE_ACCESS_LOG_SIZE) -> list[AccessRow]:
    """Who has seen or changed this case, newest first: what the director sees on its page.

    Includes refused attempts (`access.denied`) at the case's address, so a colleague probing a
    case that is not theirs shows up too. What an administrator did under an emergency grant
    (break-glass) is flagged with the grant's reason and end.
    """
    entries = AuditEntry.objects.for_object("case", case.pk).order_by("-at", "-pk")[:limit]
    grants = grants_of_case(case)
    return [_row(entry, _grant_of(entry, grants)) for entry in entries]


def unsealed_audit_alert(using: str = DEFAULT_DB_ALIAS) -> Pending | None:
    """The entries waiting to be sealed, when the oldest has waited longer than
    `AUDIT_UNSEALED_ALERT_SECONDS` (the sealing step is not running); otherwise None."""
    waiting = pending(using)
    if waiting.count and waiting.age_seconds(timezone.now()) > settings.AUDIT_UNSEALED_ALERT_SECONDS:
        return waiting
    return None
