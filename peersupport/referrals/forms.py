"""Referral forms: the shape of the input only. The rules (dates, ids, length) are the service's."""

import uuid

from django import forms

from peersupport.accounts.models import Role, User
from peersupport.lib.errors import InvalidInput
from peersupport.referrals.models import SUMMARY_MAX_LENGTH, Category, Source
from peersupport.referrals.services import PREFERENCE_KEYS, ReferralInput
from peersupport.roster.models import RoleType

CATEGORY_CHOICES = [("", "Choose the kind of event")] + Category.choices
# Referring a colleague: every source but "self", which has its own page.
REFERRAL_SOURCE_CHOICES = [(value, label) for value, label in Source.choices if value != Source.SELF]
GENDER_CHOICES = [
    ("", "No preference"),
    ("female", "A woman"),
    ("male", "A man"),
    ("non-binary", "A non-binary colleague"),
]
ROLE_PREFERENCE_CHOICES = [("", "No preference")] + RoleType.choices
SUMMARY_WARNING = "One sentence, no patient details, no clinical narrative."


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
        label="What kind of event was it?",
        error_messages={"required": "Choose the kind of event."},
    )
    occurred_on = forms.DateField(
        label="When did it happen?",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the date of the event.", "invalid": "Give the date as YYYY-MM-DD."},
    )
    # No max_length here: the service counts after tidying spaces and explains the limit itself.
    summary = forms.CharField(
        label="Describe the event in one sentence",
        required=False,
        widget=forms.Textarea(attrs={"maxlength": SUMMARY_MAX_LENGTH, "rows": 2}),
    )
    interventional = forms.BooleanField(
        label="It happened during a procedure (interventional)", required=False
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class ReferralForm(EventFields):
    involved = forms.Field(widget=forms.MultipleHiddenInput, required=False)
    involved_ids = forms.CharField(
        label="Or type their employee ids",
        required=False,
        help_text="Separate several ids with commas, e.g. E1042, E2210.",
    )
    source = forms.ChoiceField(choices=REFERRAL_SOURCE_CHOICES, label="How did you learn of it?")

    field_order = ["involved", "involved_ids", "category", "occurred_on", "interventional",
                   "source", "summary", "key"]

    def clean_involved(self) -> list[str]:
        # A plain Field: unlike a CharField it has no guard of its own against NUL characters.
        chosen = self.cleaned_data["involved"] or []
        if any("\x00" in employee_id for employee_id in chosen):
            raise forms.ValidationError("An employee id cannot contain a NUL character.")
        return chosen

    def involved_employee_ids(self) -> list[str]:
        chosen = [e.strip() for e in self.cleaned_data.get("involved") or [] if e and e.strip()]
        typed = split_employee_ids(self.cleaned_data.get("involved_ids") or "")
        return list(dict.fromkeys(chosen + typed))

    def to_input(self) -> ReferralInput:
        data = self.cleaned_data
        return ReferralInput(
            category=data["category"],
            occurred_on=data["occurred_on"],
            summary=data["summary"],
            involved_employee_ids=self.involved_employee_ids(),
            source=data["source"],
            interventional=data["interventional"],
        )


class SelfReferralForm(EventFields):
    gender = forms.ChoiceField(
        choices=GENDER_CHOICES, required=False, label="I would prefer a supporter who is"
    )
    specialty = forms.CharField(
        max_length=100, required=False, label="…from this specialty",
        widget=forms.TextInput(attrs={"list": "specialties", "autocomplete": "off"}),
    )
    role_type = forms.ChoiceField(
        choices=ROLE_PREFERENCE_CHOICES, required=False, label="…in this professional role"
    )

    def to_input(self, user: User) -> ReferralInput:
        if user.person is None:  # the view asks a login without a roster entry to be linked first
            raise InvalidInput("Your login is not linked to a roster entry.")
        data = self.cleaned_data
        preferences = {key: data[key].strip() for key in PREFERENCE_KEYS if data[key].strip()}
        return ReferralInput(
            category=data["category"],
            occurred_on=data["occurred_on"],
            summary=data["summary"],
            involved_employee_ids=[user.person.employee_id],
            source=Source.SELF,
            interventional=data["interventional"],
            preferences=preferences,
        )
