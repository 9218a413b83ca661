from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.meetings.models import Meeting, Rsvp, Scenario
from peersupport.meetings.services import MeetingInput, ScenarioInput
from peersupport.referrals.models import Category
from peersupport.roster.models import RoleType

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=LOCAL_MINUTE)


class MeetingForm(forms.Form):
    """A meeting's shape; `meeting_schedule`/`meeting_update` hold the rules (future, ends after start)."""

    title = forms.CharField(label=_("Title"), max_length=120, initial=_("Quarterly supporter meeting"))
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LocalDateTimeInput(),
                                    input_formats=[LOCAL_MINUTE, "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label=_("Ends"), widget=LocalDateTimeInput(),
                                  input_formats=[LOCAL_MINUTE, "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=200, help_text=_("A room and building, or how to join."))

    @classmethod
    def for_meeting(cls, meeting: Meeting) -> "MeetingForm":
        return cls(initial={"title": meeting.title, "place": meeting.place,
                            "starts_at": timezone.localtime(meeting.starts_at),
                            "ends_at": timezone.localtime(meeting.ends_at)})

    def to_input(self) -> MeetingInput:
        return MeetingInput(**self.cleaned_data)


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(choices=Rsvp.choices, widget=forms.RadioSelect, label=_("Will you come?"))


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
                                              label=_("Who came"))

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedMultipleChoiceField, self.fields["attended"])
        field.choices = choices


class PlanForm(forms.Form):
    """The practice page's options, from its query string; anything else falls back to the defaults."""

    rounds = forms.IntegerField(min_value=1, max_value=12, required=False)
    seed = forms.IntegerField(min_value=0, max_value=2**31, required=False)


class ScenarioForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ChoiceField(choices=[("", _("Choose…")), *Category.choices], label=_("Kind of event"))
    role_type = forms.ChoiceField(choices=[("", _("Choose…")), *RoleType.choices], label=_("The colleague's role"))
    situation = forms.CharField(label=_("Situation"), max_length=800, widget=forms.Textarea(attrs={"rows": 4}),
                                help_text=_("What happened, in a few plain sentences. Invented: never a real case."))
    feelings = forms.CharField(max_length=400, widget=forms.Textarea(attrs={"rows": 3}),
                               label=_("What the colleague might be feeling"))

    @classmethod
    def for_scenario(cls, scenario: Scenario) -> "ScenarioForm":
        return cls(initial={name: getattr(scenario, name) for name in cls.base_fields})

    def to_input(self) -> ScenarioInput:
        return ScenarioInput(**self.cleaned_data)
