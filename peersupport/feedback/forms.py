from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.feedback.models import Helped, Recommend, Timely
from peersupport.feedback.services import NONE, FeedbackInput
from peersupport.resources.models import ResourceCategory


class FeedbackForm(forms.Form):
    timely = forms.ChoiceField(label=_("Did we reach out to you at a good time?"), choices=Timely.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": _("Please choose one answer.")})
    helped = forms.ChoiceField(label=_("Did talking with a colleague help?"), choices=Helped.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": _("Please choose one answer.")})
    recommend = forms.ChoiceField(label=_("Would you suggest the program to a colleague after a hard day?"),
                                  choices=Recommend.choices, widget=forms.RadioSelect,
                                  error_messages={"required": _("Please choose one answer.")})
    useful = forms.MultipleChoiceField(
        label=_("Which of these were useful to you?"), help_text=_("Choose as many as apply."),
        choices=[*ResourceCategory.choices, (NONE, _("None of them"))], widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one, or \"None of them\".")},
    )

    def clean_useful(self) -> list[str]:
        useful: list[str] = self.cleaned_data["useful"]
        if NONE in useful and len(useful) > 1:
            raise forms.ValidationError(
                _("\"None of them\" cannot go with other choices: please choose one or the other."))
        return useful

    def to_input(self) -> FeedbackInput:
        data = self.cleaned_data
        return FeedbackInput(timely=data["timely"], helped=data["helped"], recommend=data["recommend"],
                             useful=list(data["useful"]))
