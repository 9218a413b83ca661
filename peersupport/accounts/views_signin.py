"""The sign-in page (password, and the single sign-on button), and single sign-on's two steps.

`sso_start` sends the browser to the identity provider (mozilla-django-oidc's request view:
state, nonce and PKCE kept in the session); the provider sends it back to `sso_callback`, the
redirect URI an IT team registers. A sign-in there is Django's `login()` like a password's: the
session is indexed and stamped (`sessions.py`), audited, and the second step then applies unless
the provider asserted a second factor that the settings trust (`sso.py`). Whatever goes wrong
ends on a page that says what to do, never an error.
"""

import logging
import re
from typing import Any

import jwt
import requests
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.http import require_GET, require_http_methods
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from peersupport.accounts import sso
from peersupport.accounts.forms import PasswordSignInForm
from peersupport.accounts.lockout import lockout_message
from peersupport.accounts.sso_backend import REFUSAL_ATTR, SIGN_IN_ATTR
from peersupport.audit.services import audit_record
from peersupport.audit.signals import SIGN_IN_DETAIL_ATTR
from peersupport.lib.keyed import address_digest

logger = logging.getLogger(__name__)

# How much of the keyed hash of an unmatched identity's email the audit trail keeps.
ADDRESS_HASH_LENGTH = 16
# Each refusal: its page's status. "no_login" and "two_logins" share one page and one status,
# so the answer never tells whether someone is on the roster or has a login.
REFUSAL_STATUS = {"no_login": 403, "two_logins": 403, "cancelled": 400, "expired": 400, "provider": 502}
# What the exchange with the provider may raise when the provider or the browser misbehaves.
EXCHANGE_ERRORS = (SuspiciousOperation, sso.ProviderUnavailable, requests.RequestException, jwt.PyJWTError,
                   ValueError, KeyError, TypeError)


class SignInView(auth_views.LoginView):
    """Django's sign-in page, with the single sign-on button and the password switch."""

    authentication_form = PasswordSignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.update(sso.sign_in_context())
        return context


# A FormView also takes PUT as a POST; the sign-in page answers only GET and POST.
sign_in = require_http_methods(["GET", "POST"])(SignInView.as_view())


def _refused(request: HttpRequest, reason: str, **detail: Any) -> HttpResponse:
    audit_record(actor=None, action="auth.sso_refused", object_type="user",
                 object_id=detail.pop("login", "") or "", detail={"reason": reason, **detail})
    context = {"reason": reason, "sso_provider_name": sso.provider_name(),
               "password_sign_in_off": sso.password_sign_in_off()}
    return render(request, "accounts/sso_refused.html", context, status=REFUSAL_STATUS[reason])


def _not_set_up(request: HttpRequest) -> HttpResponse:
    messages.info(request, gettext("Single sign-on is not set up here: sign in with your email and password."))
    return redirect("login")


class StartView(OIDCAuthenticationRequestView):  # type: ignore[misc]  # untyped library
    """Off to the provider's sign-in page, with a fresh state, nonce and PKCE verifier."""

    def __init__(self, **kwargs: Any) -> None:
        # The library reads the provider's endpoint here; it is read in get() instead, where a
        # provider that cannot be reached gets its page.
        View.__init__(self, **kwargs)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return sso.library_setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso.enabled():
            return _not_set_up(request)
        if request.user.is_authenticated:
            return redirect("home")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.library_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except sso.ProviderUnavailable as error:
            logger.warning("Single sign-on: %s", error)
            return _refused(request, "provider", step="start")
        self.OIDC_RP_CLIENT_ID = sso.library_setting("OIDC_RP_CLIENT_ID")
        response: HttpResponse = super().get(request)
        return response


class CallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]  # untyped library
    """The provider's answer: a code exchanged for tokens, then the login it matches, or a kind page."""

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return sso.library_setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso.enabled():
            return _not_set_up(request)
        if request.user.is_authenticated:
            # Nothing to do (and the library would sign out on a provider's error: not on a GET).
            return redirect("home")
        states = request.session.get("oidc_states")
        if "code" in request.GET and (not isinstance(states, dict) or request.GET.get("state") not in states):
            # Used already, begun in another browser, or too old: the session no longer holds it.
            return _refused(request, "expired")
        try:
            response: HttpResponse = super().get(request)
        except EXCHANGE_ERRORS as error:
            logger.warning("Single sign-on: the exchange with the provider failed (%s).", type(error).__name__,
                           exc_info=True)
            return _refused(request, "provider", error=type(error).__name__)
        return response

    def login_failure(self) -> HttpResponse:
        request: HttpRequest = self.request
        refusal = getattr(request, REFUSAL_ATTR, None)
        if refusal is None:
            if request.GET.get("error"):
                # Cancelled at the provider, or refused there: its code only, never its text.
                code = re.sub(r"[^A-Za-z0-9_.-]", "", str(request.GET["error"]))[:40]
                return _refused(request, "cancelled", error=code)
            return _refused(request, "expired" if "code" not in request.GET else "provider")
        reason = str(refusal["reason"])
        if reason == "locked":
            context = {"form": PasswordSignInForm(request), "lockout_message": lockout_message(), "next": "",
                       **sso.sign_in_context()}
            audit_record(actor=None, action="auth.sso_refused", object_type="user",
                         object_id=refusal.get("login", ""), detail={"reason": "locked"})
            return render(request, "registration/login.html", context, status=429)
        if reason in ("no_login", "two_logins"):
            email = str(refusal.get("email") or "")
            return _refused(request, reason, address_hash=address_digest(email)[:ADDRESS_HASH_LENGTH] if email else "")
        return _refused(request, "provider")

    def login_success(self) -> HttpResponse:
        request: HttpRequest = self.request
        signed_in = getattr(request, SIGN_IN_ATTR, {})
        asserted = str(signed_in.get("provider_mfa") or "")
        setattr(request, SIGN_IN_DETAIL_ATTR, {
            "method": "single_sign_on",
            "matched_by": signed_in.get("matched_by", ""),
            "provider_mfa": asserted or None,
        })
        # Always a fresh sign-in (a new session key, indexed and stamped), even over a session of
        # the same login: whatever the provider asserted now is what the session holds.
        auth.login(request, self.user)
        sso.remember_provider_mfa(request.session, self.user, asserted)
        return redirect(self.success_url)


sso_start = require_GET(StartView.as_view())
sso_callback = require_GET(CallbackView.as_view())
