"""Session limits and the second sign-in step, enforced on every web request.

Both leave the API (`/api/`, bearer tokens) and static files alone. An htmx request that is
turned away gets an `HX-Redirect` header, so the browser loads the whole page instead of
swapping the sign-in page into a fragment.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from peersupport.accounts import sessions
from peersupport.accounts.two_factor import second_step_pending

EXEMPT_PREFIXES = ("/api/", "/static/")


def _exempt(request: HttpRequest) -> bool:
    static = "/" + settings.STATIC_URL.lstrip("/")
    return request.path.startswith(EXEMPT_PREFIXES) or request.path.startswith(static)


def _return_path(request: HttpRequest) -> str:
    """Where to come back to after signing in: the page the person was on."""
    htmx = getattr(request, "htmx", None)
    if htmx:
        return htmx.current_url_abs_path or ""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return ""


def send_to(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect, carrying the page to come back to, as htmx or a plain browser expects it."""
    back = _return_path(request)
    if back:
        url = f"{url}?{urlencode({'next': back})}"
    if getattr(request, "htmx", None):
        return HttpResponseClientRedirect(url)
    return redirect(url)


class SessionLimitsMiddleware:
    """Signs a session out after `SESSION_IDLE_MINUTES` idle or `SESSION_MAX_HOURS` in all."""

    MESSAGES = {
        sessions.IDLE: "You were signed out after {idle} minutes without activity. Sign in again to go on.",
        sessions.TOO_LONG: "You were signed out: a session lasts at most {hours} hours. Sign in again to go on.",
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _exempt(request) and request.user.is_authenticated:
            reason = sessions.expiry_reason(request.session)
            if reason:
                logout(request)
                messages.info(request, self.MESSAGES[reason].format(
                    idle=settings.SESSION_IDLE_MINUTES, hours=settings.SESSION_MAX_HOURS))
                return send_to(request, resolve_url(settings.LOGIN_URL))
            sessions.touch(request.session)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Until a director or administrator gives the code, only the two-step pages and sign-out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _exempt(request) and second_step_pending(request.user, request.session):
            allowed = {reverse("two-factor"), reverse("two-factor-enroll"), reverse("logout")}
            if request.path not in allowed:
                return send_to(request, reverse("two-factor"))
        return self.get_response(request)
