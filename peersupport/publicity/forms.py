from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.publicity.models import PLACE_NAME_MAX_LENGTH


class PlaceForm(forms.Form):
    name = forms.CharField(label=_("Another place to publicize"), max_length=PLACE_NAME_MAX_LENGTH,
                           help_text=_("For example, a nursing town hall or the residents' noon conference."))


class DateForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=forms.DateInput(attrs={"type": "date"}))
