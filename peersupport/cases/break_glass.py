"""Break-glass: an administrator opens one case in an emergency, when administrators may not see
cases (`ProgramSettings.administrators_see_cases` off) and no director can be reached.

The grant is a row (administrator, case, reason, granted_at, expires_at) that the one gate
(`cases/access.py`) reads on every access: it opens that case only, to that administrator only,
until `expires_at`, and then nothing more, with no job to run. The reason is chosen from a fixed
list (`BreakGlassReason`), never typed. Granting writes, in one transaction, the grant, its audit
row and an urgent email to every director (and, while a director is away, their deputy too, as
for a safety escalation). Each access under the grant is audited with the grant's id, reason and
end, and "Who has seen this case" flags it.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from peersupport.accounts.models import Role, User
from peersupport.audit.services import audit_record
from peersupport.cases.access import (
    case_for_break_glass,
    case_for_user,
    grant_detail,
    live_grant,
    live_grants_of_case,
    require_case_actor,
)
from peersupport.cases.models import BreakGlassGrant, BreakGlassReason
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.lib.i18n import text_in
from peersupport.notifications.emails import render_break_glass_email
from peersupport.notifications.models import OutboxPriority
from peersupport.notifications.services import Draft, outbox_enqueue_all
from peersupport.program.models import ProgramSettings
from peersupport.program.staff import director_audience, in_each_language

NOTICE_KIND = "break_glass"


class AlreadyGranted(Conflict):
    """The administrator already holds a live grant for this case: nothing new is written."""

    def __init__(self, grant: BreakGlassGrant) -> None:
        until = timezone.localtime(grant.expires_at)
        super().__init__(f"You already have emergency access to case #{grant.case_id} until {until:%H:%M}.")
        self.grant = grant


def case_break_glass(*, actor: User, case_id: object, reason: str) -> BreakGlassGrant:
    """Open one case to this administrator for the program's break-glass hours, and tell the
    directors at once. Refused, changing nothing, as `case_for_break_glass` says, for a reason
    not on the list, and while a grant of theirs for the case is still live (`AlreadyGranted`)."""
    with transaction.atomic():
        # Locks the case: two grants asked at once for it are made one after the other, and the
        # second finds the first.
        case = case_for_break_glass(actor, case_id)
        if reason not in BreakGlassReason.values:
            raise InvalidInput(gettext("Choose the reason from the list."))
        existing = live_grant(actor, case.pk)
        if existing is not None:
            raise AlreadyGranted(existing)
        now = timezone.now()
        hours = ProgramSettings.for_program(case.program_id).break_glass_hours
        grant = BreakGlassGrant.objects.create(administrator=actor, case=case, reason=reason, granted_at=now,
                                               expires_at=now + timedelta(hours=hours))
        audit_record(actor=actor, action="case.break_glass", obj=case, detail=grant_detail(grant))
        outbox_enqueue_all([
            Draft(NOTICE_KIND, address, subject, body, case=case)
            for address, subject, body in in_each_language(
                director_audience(urgent=True, program_id=case.program_id),
                lambda language: render_break_glass_email(
                    case, actor.get_full_name() or actor.email, text_in(BreakGlassReason(reason).label, language),
                    timezone.localtime(grant.granted_at), timezone.localtime(grant.expires_at),
                    recipient=language))
        ], priority=OutboxPriority.URGENT)
    return grant


def case_break_glass_end(*, actor: User, case_id: int) -> int:
    """A director ends every live emergency grant on a case now; returns how many. Each is
    audited on the case with the grant's id. Refused (409) when none is running."""
    require_case_actor(actor, frozenset({Role.DIRECTOR}))
    with transaction.atomic():
        case = case_for_user(actor, case_id, action="case.break_glass_end", for_update=True)
        grants = live_grants_of_case(actor, case, for_update=True)
        if not grants:
            raise Conflict(gettext("No emergency access to this case is running."))
        now = timezone.now()
        for grant in grants:
            grant.expires_at, grant.ended_by = max(now, grant.granted_at + timedelta(microseconds=1)), actor
            grant.save(update_fields=["expires_at", "ended_by"])
            audit_record(actor=actor, action="case.break_glass_ended", obj=case,
                         detail={"break_glass": grant.pk, "administrator": grant.administrator_id})
    return len(grants)
