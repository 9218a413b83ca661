"""Reminders and escalations for steps past their due time: the job behind `send_reminders`.

Every open case has the due time of its next step (`Case.next_due_at`, set by each action from
the program settings). Once it passes, the step's owner is reminded once: the directors for an
assignment, the supporter otherwise. Once the step is more than `escalate_after_hours` late, the
directors are told once. A step is its state and its due time, so a new due time (the supporter
acted) is a new step with its own reminder.

Safe to re-run and to run in several copies: the `StepNotice` row (unique per case, step and
kind) is written in the same transaction as the email and the audit row, and an IntegrityError
means another run sent that notice first.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, Max, Min, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from peersupport.audit.services import audit_record
from peersupport.cases.actions import case_mark_unreachable_when_due
from peersupport.cases.models import HOLDING_STATES, Case, CaseQuerySet, CaseState, StepNotice
from peersupport.lib.errors import Conflict
from peersupport.meetings.services import meetings_nudge_missed
from peersupport.notifications.emails import (
    render_assignment_reminder_email,
    render_step_escalation_email,
    render_step_reminder_email,
)
from peersupport.notifications.services import outbox_enqueue
from peersupport.program.models import Program, ProgramSettings
from peersupport.program.staff import director_audience, in_each_language
from peersupport.recruitment.services import campaigns_resume_stalled
from peersupport.roster.models import Supporter, SupporterStatus
from peersupport.training.refreshers import refresher_step

logger = logging.getLogger(__name__)

# Every state with a next step someone owns: declined and unreachable cases still wait to be closed.
DUE_STATES = (
    CaseState.AWAITING_ASSIGNMENT,
    CaseState.ASSIGNED,
    CaseState.OUTREACH_MADE,
    CaseState.ACCEPTED,
    CaseState.DECLINED,
    CaseState.UNREACHABLE,
)
BATCH_SIZE = 500


@dataclass
class NoticeCounts:
    reminders: int = 0
    escalations: int = 0
    unreachable: int = 0
    # The training step (peersupport/training/refreshers.py).
    refresher_notices: int = 0
    refresher_pauses: int = 0

    def __str__(self) -> str:
        return (f"{self.reminders} reminder(s), {self.escalations} escalation(s), "
                f"{self.unreachable} case(s) marked unreachable, "
                f"{self.refresher_notices} refresher notice(s), {self.refresher_pauses} supporter(s) paused")

    def __bool__(self) -> bool:
        return bool(self.reminders or self.escalations or self.unreachable
                    or self.refresher_notices or self.refresher_pauses)


def step_key(case: Case) -> str:
    """Names one due step: its state and its due time (in UTC, so it never depends on TIME_ZONE)."""
    if case.next_due_at is None:
        raise ValueError(f"Case {case.pk} has no step due.")
    return f"{case.state}@{case.next_due_at.astimezone(UTC):%Y-%m-%dT%H:%M}"


def send_due_notices(now: datetime | None = None) -> NoticeCounts:
    """Remind and escalate every step that is past due, once each; mark silent peers unreachable;
    tell supporters of refreshers due and overdue (and pause the overdue, if the program chose so)."""
    now = now or timezone.now()
    counts = NoticeCounts()
    # Each program by its own rules, its notices to its own directors.
    for program_id in Program.objects.order_by("pk").values_list("pk", flat=True):
        _program_due_notices(ProgramSettings.for_program(program_id), now, counts)
    # The team's side of the job: a friendly note to supporters who missed two meetings in a row.
    meetings_nudge_missed(now)
    # A nomination campaign whose sending task was lost goes on by itself.
    campaigns_resume_stalled(now)
    refreshers = refresher_step(now)
    counts.refresher_notices = refreshers.due_soon + refreshers.overdue
    counts.refresher_pauses = refreshers.paused
    return counts


def _program_due_notices(program: ProgramSettings, now: datetime, counts: NoticeCounts) -> None:
    counts.unreachable += _mark_unreachable(program, now)
    # The directors, or their deputies while they are away (program.staff).
    directors = director_audience(today=timezone.localdate(now), program_id=program.program_id or 0)
    escalate_before = now - timedelta(hours=program.escalate_after_hours)
    for batch in _due_batches(now, program.program_id or 0):
        # One query tells which of this batch's notices were sent by an earlier run, so a
        # re-run costs two queries per batch and writes nothing.
        sent = set(
            StepNotice.objects.filter(case_id__in=[case.pk for case in batch])
            .values_list("case_id", "step", "kind")
        )
        for case in batch:
            step = step_key(case)
            if (case.pk, step, StepNotice.Kind.REMINDER) not in sent and _remind(case, step, directors, now):
                counts.reminders += 1
            if (
                case.next_due_at is not None
                and case.next_due_at < escalate_before
                and (case.pk, step, StepNotice.Kind.ESCALATION) not in sent
                and _escalate(case, step, directors, now)
            ):
                counts.escalations += 1


def _mark_unreachable(program: ProgramSettings, now: datetime) -> int:
    """Peers who never answered: enough attempts over enough days, whatever the due time says."""
    candidates = list(
        Case.objects.filter(program_id=program.program_id or 0, state=CaseState.OUTREACH_MADE)
        .annotate(attempts=Count("outreach_attempts"), first_try=Min("outreach_attempts__made_at"))
        .filter(attempts__gte=program.unreachable_after_attempts,
                first_try__lte=now - timedelta(days=program.unreachable_after_days))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    marked = 0
    for case_id in candidates:
        try:
            marked += case_mark_unreachable_when_due(case_id=case_id, now=now)
        except Conflict:
            # The supporter acted on it this very moment; the next run looks again.
            logger.info("Case %s changed while being marked unreachable; skipped", case_id)
    return marked


def _due_batches(now: datetime, program_id: int) -> Iterator[list[Case]]:
    """A program's due cases, most overdue first, in batches (keyset on the (program, state,
    next_due_at) index)."""
    due = (
        Case.objects.filter(program_id=program_id, state__in=DUE_STATES, next_due_at__lte=now)
        .select_related("supporter__person")
        .with_encounters()  # the next step of an accepted case follows its conversations
        .order_by("next_due_at", "pk")
    )
    after: tuple[datetime | None, int] | None = None
    while True:
        page = due
        if after is not None:
            page = page.filter(Q(next_due_at__gt=after[0]) | Q(next_due_at=after[0], pk__gt=after[1]))
        batch = list(page[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        after = (batch[-1].next_due_at, batch[-1].pk)


def _remind(case: Case, step: str, directors: list[tuple[str, str]], now: datetime) -> bool:
    if case.state == CaseState.AWAITING_ASSIGNMENT or case.supporter is None:
        notices = in_each_language(directors, lambda language: render_assignment_reminder_email(
            case, due_at=case.next_due_at, now=now, recipient=language))
        return _send_notice(case, step, StepNotice.Kind.REMINDER, notices, now, "directors")
    person = case.supporter.person
    subject, body = render_step_reminder_email(case, supporter_name=person.name, due_at=case.next_due_at, now=now)
    recipients = [(person.email, subject, body)] if person.email else []
    return _send_notice(case, step, StepNotice.Kind.REMINDER, recipients, now, "supporter")


def _escalate(case: Case, step: str, directors: list[tuple[str, str]], now: datetime) -> bool:
    person = case.supporter.person if case.supporter is not None else None
    notices = in_each_language(directors, lambda language: render_step_escalation_email(
        case, due_at=case.next_due_at, now=now,
        supporter_name=person.name if person else "", supporter_phone=person.phone if person else "",
        supporter_email=person.email if person else "", recipient=language,
    ))
    return _send_notice(case, step, StepNotice.Kind.ESCALATION, notices, now, "directors")


def _send_notice(
    case: Case, step: str, kind: str, notices: list[tuple[str, str, str]], now: datetime, to: str
) -> bool:
    """The notice row, its emails and its audit row together, or nothing if another run won."""
    try:
        with transaction.atomic():
            # Locks the case against the supporter's actions and re-reads it: a step done since
            # the batch was read is not reminded.
            still_due = Case.objects.select_for_update().filter(
                pk=case.pk, state=case.state, next_due_at=case.next_due_at
            ).values_list("pk", flat=True)
            if not list(still_due):
                return False
            StepNotice.objects.create(case=case, step=step, kind=kind, sent_at=now)
            for address, subject, body in notices:
                outbox_enqueue(kind=f"step_{kind}", to=address, subject=subject, body=body, case=case)
            audit_record(actor=None, action=f"case.{kind}", obj=case,
                         detail={"step": step, "to": to, "emails": len(notices)})
    except IntegrityError:
        # Another run inserted this (case, step, kind) first and sent it.
        return False
    return True


# Reads for the director's overview.


def open_case_counts(cases: CaseQuerySet) -> dict[str, int]:
    """Open cases per state, every state listed (one query)."""
    rows = dict(
        cases.filter(state__in=DUE_STATES).order_by().values("state")
        .annotate(n=Count("pk")).values_list("state", "n")
    )
    return {state: rows.get(state, 0) for state in DUE_STATES}


def overdue_cases(cases: CaseQuerySet, now: datetime) -> CaseQuerySet:
    """Cases whose next step's due time has passed, most overdue first."""
    return (
        cases.filter(state__in=DUE_STATES, next_due_at__lt=now)
        .select_related("peer", "supporter__person")
        .with_encounters()  # the page shows each case's next step, which follows its conversations
        .order_by("next_due_at", "pk")
    )


def supporter_loads(program: ProgramSettings, now: datetime) -> QuerySet[Supporter]:
    """The program's active supporters, and anyone of it else still holding cases, most loaded
    first (one query)."""
    holding = Q(cases__state__in=HOLDING_STATES)
    program_id = program.program_id or 0
    # A shared supporter's cases of another program count in their load, as a number apart; nothing
    # else of them shows here (not whether they are late, nor when they were assigned).
    outside = ~Q(cases__program_id=program_id)
    return (
        Supporter.objects.filter(person__program_id=program_id).select_related("person")
        .annotate(
            open_case_count=Count("cases", filter=holding),
            outside_case_count=Count("cases", filter=holding & outside),
            overdue_count=Count("cases", filter=Q(cases__state__in=DUE_STATES, cases__next_due_at__lt=now,
                                                  cases__program_id=program_id)),
            last_own_assigned_at=Max("cases__assigned_at", filter=Q(cases__program_id=program_id)),
            effective_limit=Coalesce(F("capacity"), Value(program.default_case_limit), output_field=IntegerField()),
        )
        .filter(Q(status=SupporterStatus.ACTIVE) | Q(open_case_count__gt=0))
        .order_by("-open_case_count", "-overdue_count", "person__name", "pk")
    )
