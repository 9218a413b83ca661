"""Roster forms: the shape of the input. The rules are `person_upsert`'s and `supporter_upsert`'s."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peersupport.roster.models import (
    PREFER_NOT_TO_SAY,
    RANK_LABELS,
    AgeBand,
    Experience,
    Gender,
    Person,
    PersonQuerySet,
    RaceEthnicity,
    RoleType,
    Supporter,
    SupporterStatus,
)
from peersupport.roster.services import PersonInput, SupporterInput

ACTIVE_CHOICES = [("", "Everyone"), ("yes", "Active only"), ("no", "Inactive only")]
RANK_CHOICES = [(rank, f"{rank} – {label}") for rank, label in RANK_LABELS.items()]


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or employee id"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    department = forms.CharField(required=False, max_length=100,
                                 widget=forms.TextInput(attrs={"list": "departments"}))
    specialty = forms.CharField(required=False, max_length=100,
                                widget=forms.TextInput(attrs={"list": "specialties"}))
    role_type = forms.ChoiceField(label=_("Professional role"), required=False,
                                  choices=[("", _("Any role"))] + RoleType.choices)
    site = forms.CharField(required=False, max_length=100, widget=forms.TextInput(attrs={"list": "sites"}))
    active = forms.ChoiceField(required=False, choices=ACTIVE_CHOICES)

    def filter(self, people: PersonQuerySet) -> PersonQuerySet:
        data = self.cleaned_data
        people = people.search(data["q"])
        # Exact matches keep each filter on its index; the datalists offer the exact spellings.
        for name in ("department", "specialty", "role_type", "site"):
            if data[name].strip():
                people = people.filter(**{name: data[name].strip()})
        if data["active"]:
            people = people.filter(active=data["active"] == "yes")
        return people


class PersonForm(forms.Form):
    employee_id = forms.CharField(label=_("Employee id"), max_length=40)
    name = forms.CharField(max_length=200)
    email = forms.CharField(label=_("Work email"), required=False, max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Phone (for calls and texts)"), required=False, max_length=40,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    role_type = forms.ChoiceField(label=_("Professional role"), choices=RoleType.choices)
    specialty = forms.CharField(required=False, max_length=100,
                                widget=forms.TextInput(attrs={"list": "specialties"}))
    department = forms.CharField(required=False, max_length=100,
                                 widget=forms.TextInput(attrs={"list": "departments"}))
    site = forms.CharField(required=False, max_length=100, widget=forms.TextInput(attrs={"list": "sites"}))
    rank = forms.TypedChoiceField(choices=RANK_CHOICES, coerce=int, initial=3)
    interventional = forms.BooleanField(label=_("Performs procedures (interventionalist)"), required=False)
    supervisor_employee_id = forms.CharField(label=_("Supervisor's employee id"), required=False, max_length=40)
    active = forms.BooleanField(label=_("Active on the roster"), required=False, initial=True)
    # Not sent (an older page, a script): the language stored is kept.
    language = forms.ChoiceField(label=_("Language of the program's emails and texts"),
                                 choices=settings.LANGUAGES, initial="en", required=False)

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        if person is not None:
            kwargs.setdefault("initial", {
                "employee_id": person.employee_id,
                "name": person.name,
                "email": person.email,
                "phone": person.phone,
                "role_type": person.role_type,
                "specialty": person.specialty,
                "department": person.department,
                "site": person.site,
                "rank": person.rank,
                "interventional": person.interventional,
                "supervisor_employee_id": person.supervisor.employee_id if person.supervisor else "",
                "active": person.active,
                "language": person.language,
            })
        super().__init__(*args, **kwargs)
        self.person = person
        if person is not None:
            # The employee id names the person: it is shown, not edited.
            self.fields["employee_id"].disabled = True

    def clean_employee_id(self) -> str:
        employee_id: str = self.cleaned_data["employee_id"].strip()
        if self.person is None and Person.objects.filter(employee_id=employee_id).exists():
            raise forms.ValidationError(gettext("%(employee_id)s is already on the roster; edit that entry instead.")
                                        % {"employee_id": employee_id})
        return employee_id

    def to_input(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(
            name=data["name"],
            email=data["email"].strip(),
            phone=data["phone"],
            role_type=data["role_type"],
            specialty=data["specialty"],
            department=data["department"],
            rank=data["rank"],
            interventional=data["interventional"],
            supervisor_employee_id=data["supervisor_employee_id"].strip() or None,
            site=data["site"],
            active=data["active"],
            language=data["language"] or None,
        )


class SupporterForm(forms.Form):
    status = forms.ChoiceField(choices=SupporterStatus.choices)
    capacity = forms.IntegerField(
        label=_("Case limit"), required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 20}),
        help_text=_("How many cases at once. Leave empty for the program's default."),
    )
    trained_on = forms.DateField(label=_("Trained on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    experience = forms.MultipleChoiceField(
        label=_("Has lived through, and offers to support others with"),
        choices=Experience.choices, required=False, widget=forms.CheckboxSelectMultiple,
    )
    paused_until = forms.DateField(label=_("Paused until"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    on_call = forms.BooleanField(label=_("On call now"), required=False)
    shared_across_programs = forms.BooleanField(
        label=_("May be suggested to the system's other hospitals"), required=False,
        help_text=_("When a peer there asks for someone from outside their hospital. Their cases there stay "
                    "private: this program sees only how many they hold."),
    )

    def __init__(self, *args: Any, supporter: Supporter | None = None, **kwargs: Any) -> None:
        if supporter is not None:
            kwargs.setdefault("initial", {
                "status": supporter.status,
                "capacity": supporter.capacity,
                "trained_on": supporter.trained_on,
                "experience": supporter.experience,
                "paused_until": supporter.paused_until,
                "on_call": supporter.on_call,
                "shared_across_programs": supporter.shared_across_programs,
            })
        super().__init__(*args, **kwargs)

    def to_input(self) -> SupporterInput:
        data = self.cleaned_data
        return SupporterInput(
            status=data["status"],
            capacity=data["capacity"],
            trained_on=data["trained_on"],
            experience=tuple(data["experience"]),
            paused_until=data["paused_until"],
            on_call=data["on_call"],
            shared_across_programs=data["shared_across_programs"],
        )


class SupporterFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", _("Any status"))] + SupporterStatus.choices)


class AboutMeForm(forms.Form):
    """Each answer optional, each from a fixed list; left blank, nothing is recorded."""

    gender = forms.ChoiceField(
        required=False, widget=forms.RadioSelect, choices=[("", _("No answer")), *Gender.choices],
        label=_("Gender"),
    )
    race_ethnicity = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, choices=RaceEthnicity.choices,
        label=_("Race and ethnicity"), help_text=_("Choose all that apply."),
    )
    age_band = forms.ChoiceField(
        required=False, widget=forms.RadioSelect, choices=[("", _("No answer")), *AgeBand.choices],
        label=_("Age"),
    )

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        if person is not None:
            kwargs.setdefault("initial", {"gender": person.gender, "race_ethnicity": person.race_ethnicity,
                                          "age_band": person.age_band})
        super().__init__(*args, **kwargs)

    def clean_race_ethnicity(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["race_ethnicity"]
        if PREFER_NOT_TO_SAY in chosen and len(chosen) > 1:
            raise forms.ValidationError(gettext("\"Prefer not to say\" is chosen on its own."))
        return chosen

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"gender": data["gender"], "race_ethnicity": data["race_ethnicity"], "age_band": data["age_band"]}
