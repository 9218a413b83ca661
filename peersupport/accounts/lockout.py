"""How django-axes sees our sign-in form, and what a locked-out visitor is shown.

Failures are counted per account (the normalized email), from any address: a hospital's
clinicians often share one outgoing address, and behind a proxy every visitor would share
the proxy's, so counting per address would lock out everyone at once. Axes keeps its own
records of every failure and lockout (AccessAttempt, AccessFailureLog, AccessLog); an operator
unlocks early with `manage.py axes_reset_username EMAIL`.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The email as the login matches it (case and surrounding spaces do not matter)."""
    source = credentials if credentials else getattr(request, "POST", {})
    value = source.get("username") if source else None
    if not isinstance(value, str):
        return None
    # No login is longer than an email (254); axes stores this in a 255-character column.
    return value.replace("\x00", "").strip().lower()[:254] or None


def lockout_message() -> str:
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    return (
        f"Too many failed sign-ins for this account. It is locked for {minutes} minute"
        f"{'s' if minutes != 1 else ''} after the last attempt; try again then, or ask the "
        "person who runs this application to unlock it."
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The sign-in page again, with the reason, answered 429 (nothing is checked meanwhile)."""
    from peersupport.accounts.sso import sign_in_context

    form = AuthenticationForm(request, initial={"username": username(request, credentials) or ""})
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": lockout_message(), "next": request.POST.get("next", ""),
         **sign_in_context()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
