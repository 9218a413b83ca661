"""The refresher step of the reminders job (`send_reminders` runs it after the case reminders).

For each program, by its own training rules, and for each supporter on its team: a "refresher
due soon" email once the due date is within the notice period, an "overdue" email once it has
passed, each once per due date (the `RefresherNotice` row, unique per person, kind and due
date, is written in the same transaction as the email, so a second run, or two at once, send
nothing more). If the program chose to, an overdue active supporter is also paused, once per due
date (`RefresherPause`), so the matching stops suggesting them until a refresher is recorded.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from peersupport.audit.services import audit_record
from peersupport.matching.models import matching_version_bump
from peersupport.notifications.emails import first_name, render_plain_text
from peersupport.notifications.services import outbox_enqueue
from peersupport.program.models import Program
from peersupport.roster.models import Supporter, SupporterStatus
from peersupport.training.models import UNKNOWN_DUE_DATE, RefresherNotice, RefresherPause, TrainingSettings
from peersupport.training.selectors import RefresherDates, refresher_candidates, refresher_dates

BATCH_SIZE = 500


@dataclass
class RefresherCounts:
    due_soon: int = 0
    overdue: int = 0
    paused: int = 0


def refresher_step(now: datetime | None = None) -> RefresherCounts:
    """Every program's refreshers, each by its own program's rules."""
    now = now or timezone.now()
    counts = RefresherCounts()
    # Each program with its rules in one query (a program whose director never saved any has the defaults).
    for program in Program.objects.select_related("training_settings").order_by("pk"):
        rules = getattr(program, "training_settings", None) or TrainingSettings(program=program)
        _program_step(rules, now, counts)
    return counts


def _program_step(rules: TrainingSettings, now: datetime, counts: RefresherCounts) -> None:
    dates = refresher_dates(timezone.localdate(now), rules)
    sent: set[tuple[int, str, date]] | None = None  # read once, when there is someone to tell
    for supporter in refresher_candidates(dates).iterator(chunk_size=BATCH_SIZE):
        last = supporter.last_trained_on  # type: ignore[attr-defined]  # annotated by with_last_training
        due_on = dates.due_on(last) or UNKNOWN_DUE_DATE
        overdue = dates.is_overdue(last)
        kind = RefresherNotice.Kind.OVERDUE if overdue else RefresherNotice.Kind.DUE_SOON
        if sent is None:
            sent = _sent_notices(dates)
        if (supporter.person_id, kind, due_on) not in sent and _notify(supporter, kind, due_on, now):
            if overdue:
                counts.overdue += 1
            else:
                counts.due_soon += 1
        if (overdue and rules.pause_when_overdue and supporter.status == SupporterStatus.ACTIVE
                and _pause(supporter, due_on, now)):
            counts.paused += 1


def _sent_notices(dates: RefresherDates) -> set[tuple[int, str, date]]:
    """The notices already sent for due dates up to the notice period's end: one query, so a
    re-run writes nothing. (Two rows a supporter a year at most: small beside the roster.)"""
    latest_due = dates.due_on(dates.due_soon_before) or dates.today
    return set(RefresherNotice.objects.filter(due_on__lte=latest_due, person__program_id=dates.program_id)
               .values_list("person_id", "kind", "due_on"))


def _notify(supporter: Supporter, kind: str, due_on: date, now: datetime) -> bool:
    person = supporter.person
    try:
        with transaction.atomic():
            RefresherNotice.objects.create(person=person, kind=kind, due_on=due_on, sent_at=now)
            if person.email:
                context = {"first_name": first_name(person.name),
                           "due_on": None if due_on == UNKNOWN_DUE_DATE else due_on,
                           "my_training_url": f"{settings.SITE_URL}/my/training/"}
                with translation.override(getattr(person, "language", "") or settings.LANGUAGE_CODE):
                    template = f"training/emails/refresher_{kind}_{{}}.txt"
                    subject = render_plain_text(template.format("subject"), context, recipient=person)
                    body = render_plain_text(template.format("body"), context, recipient=person)
                outbox_enqueue(kind=f"refresher_{kind}", to=person.email, subject=subject, body=body.strip() + "\n")
            due_soon = kind == RefresherNotice.Kind.DUE_SOON
            audit_record(actor=None, obj=supporter,
                         action="training.refresher_due_soon" if due_soon else "training.refresher_overdue",
                         detail={"due_on": due_on.isoformat(), "emailed": bool(person.email)})
    except IntegrityError:
        return False  # another run sent it first
    return True


def _pause(supporter: Supporter, due_on: date, now: datetime) -> bool:
    """Pause an overdue active supporter, unless they were already paused for this due date (and
    the director has since resumed them: their decision stands until the next due date)."""
    stored_due = None if due_on == UNKNOWN_DUE_DATE else due_on
    with transaction.atomic():
        earlier = RefresherPause.objects.select_for_update().filter(supporter=supporter).first()
        if earlier is not None and earlier.due_on == stored_due:
            return False
        changed = Supporter.objects.filter(pk=supporter.pk, status=SupporterStatus.ACTIVE).update(
            status=SupporterStatus.PAUSED, updated_at=now)
        if not changed:
            return False
        RefresherPause.objects.update_or_create(supporter=supporter, defaults={"due_on": stored_due, "paused_at": now})
        matching_version_bump([supporter.pk])
        audit_record(actor=None, action="training.refresher_pause", obj=supporter,
                     detail={"due_on": stored_due.isoformat() if stored_due else None})
    return True
