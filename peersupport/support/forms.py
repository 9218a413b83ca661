from django import forms
from django.utils.translation import gettext_lazy as _


class AskEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Your work email"),
        max_length=254,
        help_text=_("We send a personal link to this address. It opens a short form; no sign-in needed."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={"required": _("Give your work email address."),
                        "invalid": _("Give an email address like name@hospital.org.")},
    )
