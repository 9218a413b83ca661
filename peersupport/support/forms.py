from django import forms


class AskEmailForm(forms.Form):
    email = forms.EmailField(
        label="Your work email",
        max_length=254,
        help_text="We send a personal link to this address. It opens a short form; no sign-in needed.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={"required": "Give your work email address.",
                        "invalid": "Give an email address like name@hospital.org."},
    )
