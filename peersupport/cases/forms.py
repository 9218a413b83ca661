"""Case forms: the shape of the input. Which supporter may take a case is `case_assign`'s rule."""

from django import forms

from peersupport.cases.models import CaseState
from peersupport.cases.services import OVERRIDE_REASON_MAX


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(required=False, choices=[("", "Any state")] + CaseState.choices)


class AssignForm(forms.Form):
    """One click on a suggestion: who, and the version of the case the director was looking at."""

    supporter = forms.CharField(max_length=40)
    version = forms.IntegerField(min_value=1)
    reassign = forms.BooleanField(required=False)
    override_reason = forms.CharField(required=False)

    def employee_id(self) -> str:
        return self.cleaned_data["supporter"].strip()


class OverrideForm(AssignForm):
    """Anyone else, by list or by employee id, with the reason for leaving the suggestions."""

    supporter = forms.CharField(required=False, max_length=40)
    employee_id_typed = forms.CharField(label="Or their employee id", required=False, max_length=40)
    override_reason = forms.CharField(
        label="Why this supporter?",
        help_text="Recorded with the assignment. A hard rule can never be overridden.",
        widget=forms.TextInput(attrs={"maxlength": OVERRIDE_REASON_MAX}),
        error_messages={"required": "Give a reason for choosing a supporter outside the suggestions."},
    )

    def clean(self) -> dict:
        data = super().clean()
        chosen = (data.get("supporter") or "").strip()
        typed = (data.get("employee_id_typed") or "").strip()
        if not chosen and not typed:
            raise forms.ValidationError("Choose a supporter from the list or type their employee id.")
        if chosen and typed and chosen != typed:
            raise forms.ValidationError("Choose from the list or type an employee id, not both.")
        return data

    def employee_id(self) -> str:
        return (self.cleaned_data.get("supporter") or self.cleaned_data.get("employee_id_typed") or "").strip()
