"""Retention: once a case has been closed for longer than the program keeps case details, its
identifying details are removed and only what the program's counts need is kept.

`retention_purge` (run daily by `manage.py purge_expired`) takes every case closed more than
`ProgramSettings.retention_days` of its own program ago (each program keeps cases for its own
period) that is not on legal hold and is not yet purged, and:

- unlinks the peer (`Case.peer` becomes NULL: the roster entry stays, the link to the case goes),
  and any link to or from another case of the same peer (`reengagement_of`);
- coarsens every date of the case and of its records to the first of its month (in the
  program's time zone), so no exact day of an event is left;
- clears the matching reasons of its assignments (they name the peer's specialty and wishes);
- blanks the address, subject, body and last error of the emails about it, and deletes those
  not yet sent;
- coarsens the date on which a later referral was linked to the case (`CaseReferralLink`: the
  link itself is kept, it names no one);
- once every case of a referral is purged, its own and those it was linked to (a peer who
  already had an open case), blanks the referral's sentence, external reference and
  self-referral wishes, and coarsens the event's date the same way (its receipt time stays: it
  is the referrer's record, and must not change with what the peers chose). The keyed hashes of
  its Idempotency-Key and body stay, so a late replay still answers the same receipt and
  creates nothing.

What stays names no one: state, category, source, dates by month, the supporter, the
structured records (outreach channels, answers, encounter minutes, modes and topics, resource
categories), and the report facts recorded when the case opened and moved (`Case.peer_role`,
`peer_department`, `peer_site`, and the minutes from opening to the first assignment and the
first outreach), so the program's totals and reports are the same before and after
(`selectors.program_totals`, `reports/tables.py`). Exact dates and times of the steps are not
kept for purged cases; the report facts are read only as suppressed aggregates.

Each purged case and referral is audited with counts only, and so is every run. The audit trail
itself is never changed. Each case is purged in its own transaction under a row lock and
re-checked there, so a legal hold placed while the job runs is respected; the job is safe to
re-run and to run in several copies.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from peersupport.accounts.models import Role, User
from peersupport.audit.services import audit_record
from peersupport.cases.access import case_for_user
from peersupport.cases.models import (
    Assignment,
    AssignmentDecline,
    Case,
    CaseReferralLink,
    CaseState,
    Encounter,
    OutreachAttempt,
    ResourceShare,
    ResponseRecord,
    SafetyEscalation,
    StepNotice,
)
from peersupport.lib.errors import Conflict
from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.program.models import Program, ProgramSettings
from peersupport.referrals.models import Referral

# The dated records of a case, and which of their fields are dates.
CASE_RECORD_DATES: list[tuple[type[models.Model], tuple[str, ...]]] = [
    (Assignment, ("assigned_at",)),
    (OutreachAttempt, ("made_at",)),
    (ResponseRecord, ("recorded_at",)),
    (Encounter, ("held_on", "recorded_at")),
    (ResourceShare, ("shared_at",)),
    (AssignmentDecline, ("declined_at",)),
    (SafetyEscalation, ("raised_at",)),
    (StepNotice, ("sent_at",)),
    (CaseReferralLink, ("linked_at",)),
]
CASE_DATES = ("created_at", "assigned_at", "closed_at", "responded_at")
# The receipt time stays as it is: it is the referrer's record, and a change to it would tell
# the referrer that the cases had closed (referrer blindness).
REFERRAL_DATES = ("occurred_on",)
OUTBOX_DATES = ("created_at", "next_attempt_at", "claimed_at", "sent_at")
# An email not yet sent about a purged case is deleted rather than sent to nobody.
UNSENT = (OutboxStatus.PENDING, OutboxStatus.SENDING)


@dataclass(frozen=True)
class ProgramCutoff:
    """One program's retention period and the moment before which its closed cases are purged."""

    program_id: int
    name: str
    retention_days: int
    cutoff: datetime


@dataclass(frozen=True)
class PurgeResult:
    """What one run did: counts only, and each program's cutoff (each keeps cases its own time)."""

    cutoffs: list[ProgramCutoff]
    cases: int = 0
    referrals: int = 0
    on_hold: int = 0
    emails_blanked: int = 0
    emails_deleted: int = 0
    purged_case_ids: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "programs": [{"program": each.program_id, "retention_days": each.retention_days,
                          "cutoff": each.cutoff.isoformat()} for each in self.cutoffs],
            "cases": self.cases,
            "referrals": self.referrals,
            "on_hold": self.on_hold,
            "emails_blanked": self.emails_blanked,
            "emails_deleted": self.emails_deleted,
        }


def to_month(value: date | datetime | None) -> date | datetime | None:
    """The first moment of the value's month, in the program's time zone (a date: its 1st)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return value.replace(day=1)


def retention_cutoffs(now: datetime | None = None) -> list[ProgramCutoff]:
    """Each program's cutoff: now less the retention period in its own settings."""
    now = now or timezone.now()
    cutoffs = []
    for program in Program.objects.order_by("pk"):
        days = ProgramSettings.for_program(program).retention_days
        cutoffs.append(ProgramCutoff(program.pk, program.name, days, now - timedelta(days=days)))
    return cutoffs


def expired_cases(cutoffs: list[ProgramCutoff]) -> models.QuerySet[Case]:
    """Closed before their own program's cutoff and not yet purged (on legal hold or not)."""
    past_cutoff = Q(pk__in=[])
    for each in cutoffs:
        past_cutoff |= Q(program_id=each.program_id, closed_at__lt=each.cutoff)
    return Case.objects.filter(past_cutoff, state=CaseState.CLOSED, purged_at__isnull=True)


def referrals_to_purge() -> models.QuerySet[Referral]:
    """Referrals not yet purged all of whose cases (their own and those linked) are purged."""
    own = Case.objects.filter(referral=models.OuterRef("pk"))
    linked = CaseReferralLink.objects.filter(referral=models.OuterRef("pk"))
    some_purged = models.Exists(own.filter(purged_at__isnull=False)) | models.Exists(
        linked.filter(case__purged_at__isnull=False))
    some_not = models.Exists(own.filter(purged_at__isnull=True)) | models.Exists(
        linked.filter(case__purged_at__isnull=True))
    return Referral.objects.filter(some_purged, purged_at__isnull=True).exclude(some_not)


def _has_unpurged_case(referral: Referral) -> bool:
    return (
        referral.cases.filter(purged_at__isnull=True).exists()
        or referral.case_links.filter(case__purged_at__isnull=True).exists()
    )


def _coarsen(queryset: models.QuerySet[Any], fields: tuple[str, ...], **also: Any) -> int:
    rows = list(queryset)
    for row in rows:
        for name in fields:
            setattr(row, name, to_month(getattr(row, name)))
        for name, value in also.items():
            setattr(row, name, value)
    if rows:
        queryset.model.objects.bulk_update(rows, [*fields, *also])
    return len(rows)


def _purge_case(case_id: int, program: ProgramCutoff, now: datetime) -> dict[str, int] | None:
    """Purge one case of `program` inside the caller's transaction; None if it no longer qualifies."""
    case = (
        expired_cases([program]).filter(pk=case_id, legal_hold=False).select_for_update(of=("self",)).first()
    )
    if case is None:
        return None
    counts: dict[str, int] = {}
    for model, dates in CASE_RECORD_DATES:
        extra: dict[str, Any] = {"reasons": []} if model is Assignment else {}
        counts[str(model._meta.model_name)] = _coarsen(model._default_manager.filter(case=case), dates, **extra)
    emails = OutboxMessage.objects.filter(case=case)
    counts["emails_deleted"], _ = emails.filter(status__in=UNSENT).delete()
    counts["emails_blanked"] = _coarsen(
        emails.exclude(status__in=UNSENT), OUTBOX_DATES, to="", reply_to="", subject="", body="", last_error=""
    )
    counts["reengagement_links"] = Case.objects.filter(reengagement_of=case).update(reengagement_of=None)
    for name in CASE_DATES:
        setattr(case, name, to_month(getattr(case, name)))
    case.peer = None
    case.reengagement_of = None
    case.next_due_at = None
    case.purged_at = now
    case.version += 1
    case.save(update_fields=[*CASE_DATES, "peer", "reengagement_of", "next_due_at", "purged_at", "version"])
    audit_record(actor=None, action="case.purged", obj=case,
                 detail={"retention_days": program.retention_days, "counts": counts})
    return counts


def _purge_referral(referral_id: int, now: datetime) -> bool:
    referral = Referral.objects.filter(pk=referral_id, purged_at__isnull=True).select_for_update().first()
    if referral is None or _has_unpurged_case(referral):
        return False
    if not (referral.cases.exists() or referral.case_links.exists()):
        return False
    for name in REFERRAL_DATES:
        setattr(referral, name, to_month(getattr(referral, name)))
    referral.summary = ""
    referral.external_ref = ""
    referral.preferences = {}
    referral.purged_at = now
    referral.save(update_fields=[*REFERRAL_DATES, "summary", "external_ref", "preferences", "purged_at"])
    audit_record(actor=None, action="referral.purged", obj=referral,
                 detail={"cases": referral.cases.count(), "linked_cases": referral.case_links.count()})
    return True


def retention_purge(now: datetime | None = None) -> PurgeResult:
    """Purge every case past the retention period (see the module's docstring); audited."""
    now = now or timezone.now()
    cutoffs = retention_cutoffs(now)
    by_program = {each.program_id: each for each in cutoffs}
    expired = expired_cases(cutoffs)
    on_hold = expired.filter(legal_hold=True).count()
    purged: list[int] = []
    blanked = deleted = 0
    for case_id, program_id in expired.filter(legal_hold=False).order_by("pk").values_list("pk", "program_id"):
        with transaction.atomic():
            counts = _purge_case(case_id, by_program[program_id], now)
        if counts is not None:
            purged.append(case_id)
            blanked += counts["emails_blanked"]
            deleted += counts["emails_deleted"]
    referrals = 0
    for referral_id in referrals_to_purge().order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            referrals += _purge_referral(referral_id, now)
    result = PurgeResult(
        cutoffs=cutoffs,
        cases=len(purged),
        referrals=referrals,
        on_hold=on_hold,
        emails_blanked=blanked,
        emails_deleted=deleted,
        purged_case_ids=purged,
    )
    audit_record(actor=None, action="retention.purge", object_type="program", detail=result.summary())
    return result


def case_set_legal_hold(*, actor: User, case_id: int, hold: bool) -> Case:
    """The director places (or lifts) a legal hold: the purge leaves a held case untouched."""
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.DIRECTOR):
        raise PermissionDenied(gettext("Only the program director places or lifts a legal hold."))
    with transaction.atomic():
        case = case_for_user(actor, case_id, action="case.legal_hold", for_update=True)
        if case.purged_at is not None:
            raise Conflict(gettext("This case's details were already purged after the retention period; "
                           "there is nothing left to hold."))
        if case.legal_hold != hold:
            Case.objects.filter(pk=case.pk).update(legal_hold=hold)
            case.legal_hold = hold
            audit_record(actor=actor, action="case.legal_hold_placed" if hold else "case.legal_hold_lifted",
                         obj=case)
    return case
