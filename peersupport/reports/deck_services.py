"""The case-for-support deck's two actions: download it (audited as an export, like the CSV and
Excel files) and change its assumptions (the director's)."""

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from peersupport.accounts.models import Role, User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import InvalidInput
from peersupport.reports.access import require_deck_reader, require_report_reader
from peersupport.reports.deck import build_deck
from peersupport.reports.deck_content import deck_content
from peersupport.reports.exports import ExportFile
from peersupport.reports.models import DeckSettings
from peersupport.reports.periods import Period

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DECK = "case-for-support"
# Wide enough for any hospital, narrow enough that a slip of the keyboard is refused.
MONEY_BOUNDS: dict[str, tuple[int, int]] = {
    "saving_per_clinician": (0, 500_000),
    "supporter_hourly_cost": (0, 2_000),
    "director_hourly_cost": (0, 2_000),
    "other_costs_per_year": (0, 10_000_000),
}
LABELS = {
    "saving_per_clinician": gettext_noop("Saving per clinician supported"),
    "supporter_hourly_cost": gettext_noop("A supporter's hourly cost"),
    "director_hourly_cost": gettext_noop("The director's hourly cost"),
    "other_costs_per_year": gettext_noop("Other program costs a year"),
}
NAME_MAX_LENGTH = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class DeckSettingsInput:
    program_name: str
    saving_per_clinician: int
    supporter_hourly_cost: int
    director_hourly_cost: int
    other_costs_per_year: int = 0


def deck_export(*, actor: User, period: Period) -> ExportFile:
    """The deck for `period` beside the one before it, audited as an export before it is handed
    over (the deck and the period, never a figure)."""
    require_report_reader(actor)
    require_deck_reader(actor)
    content = build_deck(deck_content(period, with_team_detail=actor.role == Role.DIRECTOR,
                                      program_id=actor.program_id))
    with transaction.atomic():
        audit_record(actor=actor, action="export", object_type="report", object_id=f"{DECK}-{period.slug}",
                     detail={"format": "pptx", "deck": DECK, "period": period.slug})
    return ExportFile(content=content, content_type=PPTX, filename=f"{DECK}-{period.slug}.pptx")


def deck_settings_update(*, actor: User, data: DeckSettingsInput) -> DeckSettings:
    if actor.role != Role.DIRECTOR:
        raise InvalidInput(_("Only the program director changes the deck's assumptions."))
    name = " ".join(data.program_name.split())
    if not name or len(name) > NAME_MAX_LENGTH or _CONTROL.search(name):
        raise InvalidInput(_("The program's name is 1 to %(count)s characters of plain text.")
                           % {"count": NAME_MAX_LENGTH})
    for field, (low, high) in MONEY_BOUNDS.items():
        if not low <= getattr(data, field) <= high:
            raise InvalidInput(_("%(field)s must be between $%(low)s and $%(high)s.")
                               % {"field": _(LABELS[field]), "low": f"{low:,}", "high": f"{high:,}"})
    with transaction.atomic():
        # The director's own program's row (each program makes its own case).
        settings = DeckSettings.objects.select_for_update().get_or_create(program_id=actor.program_pk)[0]
        settings.program_name = name
        for field in MONEY_BOUNDS:
            setattr(settings, field, getattr(data, field))
        settings.save()
        audit_record(actor=actor, action="reports.deck_settings_update", obj=settings)
    return settings
