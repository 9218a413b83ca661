from django import forms

from peersupport.publicity.models import PLACE_NAME_MAX_LENGTH


class PlaceForm(forms.Form):
    name = forms.CharField(label="Another place to publicize", max_length=PLACE_NAME_MAX_LENGTH,
                           help_text="For example, a nursing town hall or the residents' noon conference.")


class DateForm(forms.Form):
    done_on = forms.DateField(label="Done on", widget=forms.DateInput(attrs={"type": "date"}))
