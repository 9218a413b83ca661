from django import forms


class CodeForm(forms.Form):
    """The 6-digit code from an authenticator app (spaces allowed, as apps show them)."""

    code = forms.CharField(
        label="6-digit code",
        max_length=12,
        help_text="From your authenticator app. It changes every 30 seconds.",
        widget=forms.TextInput(attrs={
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "pattern": r"[0-9 ]*",
            "autofocus": True,
        }),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Type the 6 digits your app shows.")
        return code
