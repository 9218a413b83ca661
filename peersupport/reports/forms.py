"""The case-for-support deck's assumptions, as the director edits them."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.reports.deck_services import MONEY_BOUNDS, NAME_MAX_LENGTH, DeckSettingsInput
from peersupport.reports.models import DeckSettings

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _dollars(name: str, label: "StrOrPromise", help_text: "StrOrPromise") -> forms.IntegerField:
    low, high = MONEY_BOUNDS[name]
    return forms.IntegerField(label=label, help_text=help_text, min_value=low, max_value=high,
                              widget=forms.NumberInput(attrs={"min": low, "max": high, "step": 1}))


class DeckSettingsForm(forms.Form):
    program_name = forms.CharField(label=_("The program's name"), max_length=NAME_MAX_LENGTH,
                                   help_text=_("On the deck's title slide."))
    saving_per_clinician = _dollars(
        "saving_per_clinician", _("Saving per clinician supported (US dollars)"),
        _("Johns Hopkins RISE estimated $22,576 per nurse who used the program, from turnover and time off "
          "avoided (Moran et al., J Patient Saf 2020)."))
    supporter_hourly_cost = _dollars(
        "supporter_hourly_cost", _("A supporter's hourly cost (US dollars)"),
        _("What an hour of a clinician's time costs the hospital, salary and benefits."))
    director_hourly_cost = _dollars(
        "director_hourly_cost", _("The director's hourly cost (US dollars)"),
        _("The director's hours come from the planner's assumptions."))
    other_costs_per_year = _dollars(
        "other_costs_per_year", _("Other program costs a year (US dollars)"),
        _("Training, a coordinator's time, materials and anything else the program costs: counted for the "
          "part of the year the deck covers."))

    def __init__(self, data: Mapping[str, Any] | None = None, *, settings: DeckSettings,
                 read_only: bool = False) -> None:
        super().__init__(data, initial={name: getattr(settings, name) for name in self.base_fields})
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def to_input(self) -> DeckSettingsInput:
        data = self.cleaned_data
        return DeckSettingsInput(program_name=data["program_name"], saving_per_clinician=data["saving_per_clinician"],
                                 supporter_hourly_cost=data["supporter_hourly_cost"],
                                 director_hourly_cost=data["director_hourly_cost"],
                                 other_costs_per_year=data["other_costs_per_year"])
