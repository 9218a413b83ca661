from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_texts

from peersupport.accounts.models import User


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


class LoginSearchForm(forms.Form):
    q = forms.CharField(label="Email", required=False, max_length=254,
                        widget=forms.TextInput(attrs={"type": "search"}))


class InviteForm(forms.Form):
    """A new login: the rules (who may give which role, the roster link) are `login_invite`'s."""

    email = forms.CharField(label="Work email", max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(choices=[])
    employee_id = forms.CharField(
        label="Employee id on the roster", required=False, max_length=40,
        help_text="Needed for a peer supporter or a clinician: their login opens their own entry.",
    )

    def __init__(self, *args: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = roles


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(
        label="Work email", max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
        error_messages={"invalid": "Give a whole email address, such as name@hospital.org."},
    )


if TYPE_CHECKING:
    # Generic in the type stubs only: at run time Django's form takes no type parameter.
    _SetPasswordForm = SetPasswordForm[User]
else:
    _SetPasswordForm = SetPasswordForm


class ChoosePasswordForm(_SetPasswordForm):
    """Django's form (checked against AUTH_PASSWORD_VALIDATORS), with our words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label = "New password"
        first.help_text = " ".join(password_validators_help_texts())
        second.label = "The same password again"
        second.help_text = "So that a typing slip does not lock you out."
