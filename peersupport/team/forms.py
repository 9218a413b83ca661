"""The shapes of the team pages' input; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.roster.models import NotifyBy
from peersupport.team.models import PauseReason


class PauseForm(forms.Form):
    until = forms.DateField(label=_("Paused through (last day)"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(label=_("Why"), choices=PauseReason.choices)


class RecognitionForm(forms.Form):
    opt_in = forms.BooleanField(required=False, label=_("Include me on the program's recognition list"))


class SharingForm(forms.Form):
    shared = forms.BooleanField(required=False,
                                label=_("I may be suggested to peers of the system's other hospitals"))


class NotifyByForm(forms.Form):
    notify_by = forms.ChoiceField(label=_("Tell me of a new peer by"), choices=NotifyBy.choices,
                                  widget=forms.RadioSelect)


class TeamForm(forms.Form):
    team = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Team name"), max_length=80)
    supporters = forms.TypedMultipleChoiceField(
        label=_("Supporters on this team"), coerce=int, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, supporter_choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own loose signature
        field = self.fields["supporters"]
        if not isinstance(field, forms.TypedMultipleChoiceField):
            raise TypeError("the supporters field is a multiple choice field")
        field.choices = supporter_choices


class WeekForm(forms.Form):
    starts_on = forms.DateField(widget=forms.HiddenInput)
    team = forms.IntegerField(required=False, label=_("On call"))


class TeamFeedForm(forms.Form):
    team = forms.IntegerField()
