from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import InvalidInput
from peersupport.planner.models import DEFAULT_RATES, PlannerSettings

# Each assumption with its bounds: wide enough for any hospital, narrow enough that a slip of
# the keyboard (a rate of 550 per 100) is refused rather than planned for.
RATE_BOUNDS = (0.0, 100.0)
NUMBER_BOUNDS: dict[str, tuple[float, float]] = {
    "encounters_per_case": (0.0, 10.0),
    "minutes_per_encounter": (5, 240),
    "case_days": (1, 180),
    "available_percent": (10, 100),
    "director_base_hours_week": (0.0, 40.0),
    "director_minutes_per_referral": (0, 240),
}
LABELS: dict[str, str | Promise] = {
    "encounters_per_case": _("Conversations per case"),
    "minutes_per_encounter": _("Minutes per conversation"),
    "case_days": _("Days a case stays open"),
    "available_percent": _("Share of supporters available (%)"),
    "director_base_hours_week": _("Director's base hours a week"),
    "director_minutes_per_referral": _("Director's minutes per referral"),
}


@dataclass(frozen=True)
class PlannerSettingsInput:
    rates: dict[str, float]
    encounters_per_case: float
    minutes_per_encounter: int
    case_days: int
    available_percent: int
    director_base_hours_week: float
    director_minutes_per_referral: int


def planner_settings_update(*, actor: User, data: PlannerSettingsInput) -> PlannerSettings:
    """The actor's program's assumptions, changed (a director's: each program plans for itself)."""
    unknown = [role for role in data.rates if role not in DEFAULT_RATES]
    if unknown:
        raise InvalidInput(_("Unknown professional role %(role)s.") % {"role": repr(unknown[0])})
    low, high = RATE_BOUNDS
    if any(not low <= float(rate) <= high for rate in data.rates.values()):
        raise InvalidInput(_("Each referral rate is between %(low)s and %(high)s per 100 clinicians a year.")
                           % {"low": f"{low:g}", "high": f"{high:g}"})
    for name, (low, high) in NUMBER_BOUNDS.items():
        if not low <= getattr(data, name) <= high:
            raise InvalidInput(_("%(field)s must be between %(low)s and %(high)s.")
                               % {"field": LABELS[name], "low": f"{low:g}", "high": f"{high:g}"})
    with transaction.atomic():
        PlannerSettings.for_program(actor.program_pk)
        settings = PlannerSettings.objects.select_for_update().get(program_id=actor.program_pk)
        settings.rates = {**settings.effective_rates(), **{k: float(v) for k, v in data.rates.items()}}
        for name in NUMBER_BOUNDS:
            setattr(settings, name, getattr(data, name))
        settings.save()
        audit_record(actor=actor, action="planner.settings_update", obj=settings)
    return settings
