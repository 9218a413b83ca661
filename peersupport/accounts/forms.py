from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import User


class CodeForm(forms.Form):
    """The 6-digit code from an authenticator app (spaces allowed, as apps show them)."""

    code = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        help_text=_("From your authenticator app. It changes every 30 seconds."),
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
            raise forms.ValidationError(gettext("Type the 6 digits your app shows."))
        return code


class LoginSearchForm(forms.Form):
    q = forms.CharField(label=_("Email"), required=False, max_length=254,
                        widget=forms.TextInput(attrs={"type": "search"}))


class InviteForm(forms.Form):
    """A new login: the rules (who may give which role, the roster link) are `login_invite`'s."""

    email = forms.CharField(label=_("Work email"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(choices=[])
    employee_id = forms.CharField(
        label=_("Employee id on the roster"), required=False, max_length=40,
        help_text=_("Needed for a peer supporter or a clinician: their login opens their own entry."),
    )

    def __init__(self, *args: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = roles


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(
        label=_("Work email"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
        error_messages={"invalid": _("Give a whole email address, such as name@hospital.org.")},
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


class PasswordSignInForm(AuthenticationForm):
    """Django's sign-in form; with password sign-in turned off (`PASSWORD_SIGNIN=off`), it refuses
    every address but the break-glass logins' before any password is checked, so nothing is
    counted towards a lockout (which would hold single sign-on too)."""

    def clean(self) -> dict[str, Any]:
        from peersupport.accounts import sso
        from peersupport.audit.signals import record_refused_sign_in

        username = self.cleaned_data.get("username")
        if isinstance(username, str) and not sso.password_allowed(username):
            record_refused_sign_in(username, self.request, sso_only=True)
            raise forms.ValidationError(sso.password_off_message(), code="password_sign_in_off")
        cleaned: dict[str, Any] = super().clean()
        return cleaned


class ApiTokenForm(forms.Form):
    """A new integration token: the rules (whose login, how long at most) are `api_token_create`'s."""

    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What uses it, so you know which to revoke: “Safety reporting”, “HR feed”."))
    owner = forms.TypedChoiceField(label=_("Acts as the login"), coerce=int, choices=[],
                                   help_text=_("An integration login, or your own. It never does more than "
                                             "that login's role may."))
    scope = forms.ChoiceField(label=_("Scope"), widget=forms.RadioSelect, choices=[])
    expires_on = forms.DateField(label=_("Works until"), widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("The last day it works."))

    def __init__(self, *args: Any, owners: list[tuple[int, str]], scopes: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["owner"]).choices = owners
        cast(forms.ChoiceField, self.fields["scope"]).choices = scopes
