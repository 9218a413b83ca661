"""The group debrief's forms: the shape of the input; the rules are the services'."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.cases.actions import MAX_ENCOUNTER_MINUTES
from peersupport.cases.models import GuideTopic
from peersupport.debriefs.models import DebriefSession
from peersupport.debriefs.services import DebriefInput, TimePlaceInput
from peersupport.debriefs.services_record import MAX_ATTENDANCE, RecordInput
from peersupport.meetings.forms import LOCAL_MINUTE, LocalDateTimeInput
from peersupport.referrals.models import Category

TIME_FORMATS = [LOCAL_MINUTE, "%Y-%m-%d %H:%M"]
MAX_ID = 2**31 - 1
# Ticked on one page of people: a page shows at most this many.
MAX_IDS = 200


class TimePlaceForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LocalDateTimeInput(), input_formats=TIME_FORMATS)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=LocalDateTimeInput(), input_formats=TIME_FORMATS)
    place = forms.CharField(label=_("Place"), max_length=200, help_text=_("A room and building, or how to join."))

    @classmethod
    def for_session(cls, session: DebriefSession) -> "TimePlaceForm":
        return cls(initial={"starts_at": timezone.localtime(session.starts_at),
                            "ends_at": timezone.localtime(session.ends_at), "place": session.place})

    def to_input(self) -> TimePlaceInput:
        return TimePlaceInput(**self.cleaned_data)


class DebriefForm(TimePlaceForm):
    category = forms.ChoiceField(label=_("What kind of event was it?"),
                                 choices=[("", _("Choose the kind of event")), *Category.choices])
    event_on = forms.DateField(label=_("When did it happen?"), widget=forms.DateInput(attrs={"type": "date"}))
    department = forms.CharField(label=_("The unit (a department on the roster)"), required=False, max_length=100,
                                 widget=forms.TextInput(attrs={"list": "departments"}))
    team_name = forms.CharField(label=_("Or a named team"), required=False, max_length=100,
                                help_text=_("Such as “Code team” or “Night shift, 4 West”. No one's name."))
    facilitator_one = forms.CharField(label=_("First facilitator (employee id)"), max_length=40,
                                      widget=forms.TextInput(attrs={"list": "facilitators"}))
    facilitator_two = forms.CharField(label=_("Second facilitator (employee id)"), max_length=40,
                                      widget=forms.TextInput(attrs={"list": "facilitators"}),
                                      help_text=_("Two supporters whose training is current."))
    referral = forms.IntegerField(label=_("Beside a referral (its number, optional)"), required=False,
                                  min_value=1, max_value=MAX_ID)

    field_order = ["category", "event_on", "department", "team_name", "facilitator_one", "facilitator_two",
                   "starts_at", "ends_at", "place", "referral"]

    def to_debrief_input(self) -> DebriefInput:
        data = self.cleaned_data
        return DebriefInput(category=data["category"], event_on=data["event_on"], department=data["department"],
                            team_name=data["team_name"],
                            facilitator_ids=(data["facilitator_one"], data["facilitator_two"]),
                            starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"],
                            referral_id=data["referral"])


class IdsField(forms.Field):
    """Roster ids from checkboxes or hidden inputs: whole numbers, at most a page of them."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
        if len(values) > MAX_IDS:
            raise ValidationError(_("Choose at most %(n)s people at once.") % {"n": MAX_IDS})
        ids = []
        for item in values:
            text = str(item).strip()
            if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
                raise ValidationError(_("Choose people from the list."))
            ids.append(int(text))
        return ids


class InviteesForm(forms.Form):
    """One page of people: `shown` lists who was on it, `invited` who is ticked now."""

    shown = IdsField(required=False)
    invited = IdsField(required=False)
    everyone_in = forms.CharField(required=False, max_length=100)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or employee id"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    department = forms.CharField(label=_("Department"), required=False, max_length=100,
                                 widget=forms.TextInput(attrs={"list": "departments"}))


class RecordForm(forms.Form):
    attendance_count = forms.IntegerField(label=_("How many people came"), min_value=0, max_value=MAX_ATTENDANCE,
                                          help_text=_("A number only: the program never records who came."),
                                          widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}))
    minutes = forms.IntegerField(label=_("How many minutes"), min_value=1, max_value=MAX_ENCOUNTER_MINUTES,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}))
    topics = forms.MultipleChoiceField(label=_("Topics covered"), choices=GuideTopic.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    resources = forms.TypedMultipleChoiceField(label=_("Resources offered"), coerce=int, required=False,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, resources: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["resources"]).choices = resources

    @classmethod
    def for_session(cls, session: DebriefSession, resources: list[tuple[int, str]]) -> "RecordForm":
        initial = {"attendance_count": session.attendance_count, "minutes": session.minutes,
                   "topics": session.topics, "resources": [r.pk for r in session.resources.all()]}
        return cls(initial=initial, resources=resources)

    def to_input(self) -> RecordInput:
        data = self.cleaned_data
        return RecordInput(attendance_count=data["attendance_count"], minutes=data["minutes"],
                           topics=tuple(data["topics"]), resource_ids=tuple(data["resources"]))
