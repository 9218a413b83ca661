"""Case forms: the shape of the input. Which supporter may take a case is `case_assign`'s rule."""

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peersupport.cases.actions import MAX_ENCOUNTER_MINUTES, EncounterInput
from peersupport.cases.models import (
    CaseState,
    DeclineReason,
    EncounterMode,
    GuideTopic,
    OutreachChannel,
    OverrideReason,
    Response,
)


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(required=False, choices=[("", _("Any state"))] + CaseState.choices)


class AssignForm(forms.Form):
    """One click on a suggestion: who, and the version of the case the director was looking at."""

    supporter = forms.CharField(max_length=40)
    version = forms.IntegerField(min_value=1)
    reassign = forms.BooleanField(required=False)
    override_reason = forms.ChoiceField(required=False, choices=[("", "—"), *OverrideReason.choices])

    def employee_id(self) -> str:
        employee_id: str = self.cleaned_data["supporter"]
        return employee_id.strip()


class OverrideForm(AssignForm):
    """Anyone else, by list or by employee id, with the reason for leaving the suggestions."""

    supporter = forms.CharField(required=False, max_length=40)
    employee_id_typed = forms.CharField(label=_("Or their employee id"), required=False, max_length=40)
    override_reason = forms.ChoiceField(
        label=_("Why this supporter?"),
        choices=[("", _("Choose a reason…"))] + OverrideReason.choices,
        help_text=_("Recorded with the assignment. A hard rule can never be overridden."),
        error_messages={"required": _("Give a reason for choosing a supporter outside the suggestions.")},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen = (data.get("supporter") or "").strip()
        typed = (data.get("employee_id_typed") or "").strip()
        if not chosen and not typed:
            raise forms.ValidationError(gettext("Choose a supporter from the list or type their employee id."))
        if chosen and typed and chosen != typed:
            raise forms.ValidationError(gettext("Choose from the list or type an employee id, not both."))
        return data

    def employee_id(self) -> str:
        return (self.cleaned_data.get("supporter") or self.cleaned_data.get("employee_id_typed") or "").strip()


# The supporter's actions. Choices only, numbers and dates: a case has no free-text field.

class OutreachForm(forms.Form):
    channel = forms.ChoiceField(choices=OutreachChannel.choices)
    send_email = forms.BooleanField(required=False)


class ResponseForm(forms.Form):
    response = forms.ChoiceField(choices=Response.choices)


class EncounterForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(
        label=_("How many minutes"), min_value=1, max_value=MAX_ENCOUNTER_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )
    mode = forms.ChoiceField(label=_("How"), choices=EncounterMode.choices, widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(
        label=_("Topics you covered"), choices=GuideTopic.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    follow_up_planned = forms.BooleanField(label=_("We plan to talk again"), required=False)

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if today is not None:
            self.fields["held_on"].initial = today
            self.fields["held_on"].widget.attrs["max"] = today.isoformat()

    def to_input(self) -> EncounterInput:
        data = self.cleaned_data
        return EncounterInput(held_on=data["held_on"], minutes=data["minutes"], mode=data["mode"],
                              topics=tuple(data["topics"]), follow_up_planned=data["follow_up_planned"])


class ResourceShareForm(forms.Form):
    resource = forms.IntegerField(error_messages={"required": _("Choose a resource first.")})
    facilitated = forms.TypedChoiceField(choices=[("0", _("shared")), ("1", _("connected"))], coerce=lambda v: v == "1")


class SheetForm(forms.Form):
    resource = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"required": _("Choose at least one resource for the sheet.")},
    )

    def __init__(self, *args: Any, resource_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["resource"]).choices = [(pk, pk) for pk in resource_ids]


class HandBackForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you handing it back?"), choices=DeclineReason.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason; it helps the director find the right person.")},
    )
