"""Referral forms: the shape of the input only. The rules (dates, ids, length) are the service's."""

import uuid
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Role, User
from peersupport.lib.errors import InvalidInput
from peersupport.referrals.models import SUMMARY_MAX_LENGTH, Category, GenderPreference, HospitalPreference, Source
from peersupport.referrals.services import (
    PREFERENCE_KEYS,
    Problem,
    ReferralInput,
    referral_problems,
    specialty_choices,
)
from peersupport.roster.models import RoleType

CATEGORY_CHOICES = [("", _("Choose the kind of event"))] + Category.choices
# Referring a colleague: every source but "self", which has its own page, and the group debrief's
# follow-up, which only its personal link gives.
REFERRAL_SOURCE_CHOICES = [(value, label) for value, label in Source.choices
                           if value not in (Source.SELF, Source.GROUP_DEBRIEF)]
GENDER_CHOICES = [("", _("No preference"))] + GenderPreference.choices
ROLE_PREFERENCE_CHOICES = [("", _("No preference"))] + RoleType.choices
HOSPITAL_CHOICES = [("", _("No preference"))] + HospitalPreference.choices
SUMMARY_WARNING = _("One sentence, no patient details, no clinical narrative.")
# Beside the sentence: what the service refuses, in a few words.
SUMMARY_GUIDANCE = _(
    "Say what kind of event it was. Leave out names, record or bed numbers, dates, ages and doses: "
    "the supporter needs none of them."
)
# Where each problem the service finds is shown, by its place in the API's body.
FIELD_FOR_LOC = {
    "event.category": "category",
    "event.occurred_on": "occurred_on",
    "event.summary": "summary",
    "event.interventional": "interventional",
    "source": "source",
    "involved": "involved_ids",
    "involved.employee_id": "involved_ids",
    "preferences.gender": "gender",
    "preferences.specialty": "specialty",
    "preferences.role_type": "role_type",
    "preferences.hospital": "hospital",
}


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def default_source(user: User) -> str:
    if user.role in (Role.CLINICIAN, Role.SUPPORTER):
        return Source.COLLEAGUE
    return Source.SAFETY_REPORT


def split_employee_ids(text: str) -> list[str]:
    """'E1, E2;E3 E4' -> ['E1', 'E2', 'E3', 'E4']: whatever separators people type."""
    return [part for part in text.replace(";", ",").replace(",", " ").split() if part]


class EventFields(forms.Form):
    """What both forms ask about the event."""

    category = forms.ChoiceField(
        choices=CATEGORY_CHOICES,
        label=_("What kind of event was it?"),
        error_messages={"required": _("Choose the kind of event."),
                        "invalid_choice": _("Choose the kind of event from the list.")},
    )
    occurred_on = forms.DateField(
        label=_("When did it happen?"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the date of the event."), "invalid": _("Give the date as YYYY-MM-DD.")},
    )
    # No max_length here: the service counts after tidying spaces and explains the limit itself.
    summary = forms.CharField(
        label=_("Describe the event in one sentence"),
        required=False,
        help_text=SUMMARY_GUIDANCE,
        widget=forms.Textarea(attrs={"maxlength": SUMMARY_MAX_LENGTH, "rows": 2}),
    )
    interventional = forms.BooleanField(
        label=_("It happened during a procedure (interventional)"), required=False
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def add_problems(self, problems: list[Problem]) -> None:
        """Show each of the service's problems beside its field, once, and the rest above the form."""
        already = set(self.errors)  # the form's own finding says best what is wrong there
        for problem in problems:
            name = FIELD_FOR_LOC.get(".".join(part for part in problem.loc if isinstance(part, str)))
            name = name if name in self.fields else None
            if name in already:
                continue
            if problem.message not in self.errors.get(name or NON_FIELD_ERRORS, []):
                self.add_error(name, problem.message)

    def clean(self) -> dict[str, Any]:
        super().clean()
        # A form refused for one field is checked for everything else too: every problem at once.
        if self.errors:
            self.add_problems(referral_problems(self.partial_input(), check_involved=self.names_involved))
        return self.cleaned_data

    names_involved = True

    def partial_input(self) -> ReferralInput:
        """What was given, with blanks where a field could not be read."""
        raise NotImplementedError


class ReferralForm(EventFields):
    involved = forms.Field(widget=forms.MultipleHiddenInput, required=False)
    involved_ids = forms.CharField(
        label=_("Or type their employee ids"),
        required=False,
        help_text=_("Separate several ids with commas, e.g. E1042, E2210."),
    )
    source = forms.ChoiceField(choices=REFERRAL_SOURCE_CHOICES, label=_("How did you learn of it?"))

    field_order = ["involved", "involved_ids", "category", "occurred_on", "interventional",
                   "source", "summary", "key"]

    def clean_involved(self) -> list[str]:
        # A plain Field: unlike a CharField it has no guard of its own against NUL characters.
        chosen = self.cleaned_data["involved"] or []
        if any("\x00" in employee_id for employee_id in chosen):
            raise forms.ValidationError(_("An employee id cannot contain a NUL character."))
        return chosen

    def involved_employee_ids(self) -> list[str]:
        chosen = [e.strip() for e in self.cleaned_data.get("involved") or [] if e and e.strip()]
        typed = split_employee_ids(self.cleaned_data.get("involved_ids") or "")
        return list(dict.fromkeys(chosen + typed))

    def to_input(self) -> ReferralInput:
        data = self.cleaned_data
        return ReferralInput(
            category=data.get("category", ""),
            occurred_on=data.get("occurred_on"),
            summary=data.get("summary", ""),
            involved_employee_ids=self.involved_employee_ids(),
            source=data.get("source", Source.COLLEAGUE),
            interventional=data.get("interventional", False),
        )

    partial_input = to_input


class SelfReferralForm(EventFields):
    gender = forms.ChoiceField(
        choices=GENDER_CHOICES, required=False, label=_("I would prefer a supporter who is"),
        error_messages={"invalid_choice": _("Choose from the list, or leave it at no preference.")},
    )
    # From the specialties of the program's supporters: a wish, never free text about the peer.
    specialty = forms.ChoiceField(choices=[("", _("No preference"))], required=False, label=_("…from this specialty"),
                                  error_messages={"invalid_choice": _("Choose from the list, or leave it at no "
                                                                      "preference.")})
    role_type = forms.ChoiceField(
        choices=ROLE_PREFERENCE_CHOICES, required=False, label=_("…in this professional role"),
        error_messages={"invalid_choice": _("Choose from the list, or leave it at no preference.")},
    )
    hospital = forms.ChoiceField(
        choices=HOSPITAL_CHOICES, required=False, label=_("…from this hospital or another"),
        help_text=_("Some prefer to talk with someone who does not work beside them. A supporter from another "
                    "hospital of our system is then suggested too."),
        error_messages={"invalid_choice": _("Choose from the list, or leave it at no preference.")},
    )

    # The clinician is the signed-in person (or the one a personal link names): not a field.
    names_involved = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        specialty = cast(forms.ChoiceField, self.fields["specialty"])
        specialty.choices = [("", _("No preference"))] + [(s, s) for s in specialty_choices()]

    def partial_input(self) -> ReferralInput:
        return self._input([])

    def to_input(self, user: User) -> ReferralInput:
        if user.person is None:  # the view asks a login without a roster entry to be linked first
            raise InvalidInput(str(_("Your login is not linked to a roster entry.")))
        return self._input([user.person.employee_id])

    def _input(self, involved: list[str]) -> ReferralInput:
        data = self.cleaned_data
        preferences = {key: data[key].strip() for key in PREFERENCE_KEYS if (data.get(key) or "").strip()}
        return ReferralInput(
            category=data.get("category", ""),
            occurred_on=data.get("occurred_on"),
            summary=data.get("summary", ""),
            involved_employee_ids=involved,
            source=Source.SELF,
            interventional=data.get("interventional", False),
            preferences=preferences,
        )
