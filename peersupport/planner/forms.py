"""The planner's two forms: the choice of whom to serve (a GET form), and its assumptions."""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.planner.models import PlannerSettings
from peersupport.planner.selectors import CHOICES, Choice, site_choices
from peersupport.planner.services import NUMBER_BOUNDS, RATE_BOUNDS, PlannerSettingsInput
from peersupport.roster.models import RoleType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RATE_PREFIX = "rate_"


class ChoiceForm(forms.Form):
    serve = forms.ChoiceField(label=_("Whom to serve"), choices=[(k, label) for k, (label, _roles) in CHOICES.items()],
                              widget=forms.RadioSelect, required=False)
    site = forms.ChoiceField(label=_("Where"), required=False)

    def __init__(self, data: Mapping[str, Any] | None, *, sites: Sequence[str], default_serve: str) -> None:
        super().__init__(data, initial={"serve": default_serve, "site": ""})
        self.default_serve = default_serve
        site = self.fields["site"]
        if not isinstance(site, forms.ChoiceField):
            raise TypeError("the site field is a choice field")
        site.choices = site_choices(sites)

    def choice(self) -> Choice:
        data = self.cleaned_data
        return Choice(serve=data["serve"] or self.default_serve, site=data["site"] or "")


def _number(name: str, label: "StrOrPromise", help_text: "StrOrPromise", *, step: str = "1") -> forms.Field:
    low, high = NUMBER_BOUNDS[name]
    attrs = {"min": low, "max": high, "step": step}
    if step == "1":
        return forms.IntegerField(label=label, help_text=help_text, min_value=int(low), max_value=int(high),
                                  widget=forms.NumberInput(attrs=attrs))
    return forms.FloatField(label=label, help_text=help_text, min_value=low, max_value=high,
                            widget=forms.NumberInput(attrs=attrs))


class AssumptionsForm(forms.Form):
    encounters_per_case = _number(
        "encounters_per_case", _("Conversations per case"),
        _("Averaged over every case, declined ones too. Used until the program has closed enough cases of its own."),
        step="0.1")
    minutes_per_encounter = _number(
        "minutes_per_encounter", _("Minutes per conversation"),
        _("Used until the program has recorded enough conversations of its own."))
    case_days = _number("case_days", _("Days a case stays open"),
                        _("From assignment to close: how long a case counts against its supporter's limit."))
    available_percent = _number(
        "available_percent", _("Share of supporters available (%)"),
        _("Of the team, the share able to take a case on a given day: not paused, on leave or away."))
    director_base_hours_week = _number(
        "director_base_hours_week", _("Director's base hours a week"),
        _("Team meetings, supporters' questions and reports, whatever the number of referrals."), step="0.5")
    director_minutes_per_referral = _number(
        "director_minutes_per_referral", _("Director's minutes per referral"),
        _("Reading it, choosing and assigning a supporter, and watching its due times."))

    def __init__(self, data: Mapping[str, Any] | None = None, *, settings: PlannerSettings,
                 read_only: bool = False) -> None:
        rates = settings.effective_rates()
        initial: dict[str, Any] = {name: getattr(settings, name) for name in NUMBER_BOUNDS}
        initial.update({RATE_PREFIX + role: rates[role] for role in RoleType.values})
        super().__init__(data, initial=initial)
        low, high = RATE_BOUNDS
        for role, label in RoleType.choices:
            self.fields[RATE_PREFIX + role] = forms.FloatField(
                label=str(label), min_value=low, max_value=high,
                widget=forms.NumberInput(attrs={"min": low, "max": high, "step": "0.1"}))
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def rate_fields(self) -> list[forms.BoundField]:
        return [self[RATE_PREFIX + role] for role in RoleType.values]

    def number_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in NUMBER_BOUNDS]

    def to_input(self) -> PlannerSettingsInput:
        data = self.cleaned_data
        return PlannerSettingsInput(
            rates={role: data[RATE_PREFIX + role] for role in RoleType.values},
            encounters_per_case=data["encounters_per_case"],
            minutes_per_encounter=data["minutes_per_encounter"],
            case_days=data["case_days"],
            available_percent=data["available_percent"],
            director_base_hours_week=data["director_base_hours_week"],
            director_minutes_per_referral=data["director_minutes_per_referral"],
        )
