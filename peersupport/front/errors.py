"""Our own error pages, in every mode, with a way back home.

Django shows its technical pages while DEBUG is on: a stale email link to a handed-back case
would list every URL pattern of the site. This middleware answers a refused or missing page with
our templates whatever DEBUG says, and keeps an expected refusal out of the error log: a 403
writes one line ("Forbidden: /path"), never a traceback. A server error shows our 500 page too
(with DEBUG off Django renders it itself); under DEBUG its traceback still goes to the log, and a
developer who wants Django's technical page sets `DEBUG_TECHNICAL_500`. The API keeps its JSON
errors.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.http import require_GET

# Paths whose errors are not pages: the API answers JSON, static files answer bare.
NOT_PAGES = ("/api/", "/static/")
# Set on a response this middleware rendered, so it is never rendered twice.
RENDERED = "_error_page_rendered"


def error_page(request: HttpRequest, status: int, exception: Exception | None = None) -> HttpResponse:
    # 400 and 500 pages stand alone (no base layout): the request itself may be what went wrong.
    context = {"exception": str(exception) if isinstance(exception, PermissionDenied) and exception.args else ""}
    body = loader.render_to_string(f"{status}.html", context, request=request if status in (403, 404, 405) else None)
    response = HttpResponse(body, status=status)
    setattr(response, RENDERED, True)
    return response


class ErrorPageMiddleware:
    """Place after the authentication middleware: the 403, 404 and 405 pages show the navigation."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(NOT_PAGES) or getattr(response, RENDERED, False):
            return response
        if response.status_code == 405:
            page = error_page(request, 405)
            page["Allow"] = response.get("Allow", "")
            return page
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            # An address that matches no page; under DEBUG Django would list every pattern.
            return error_page(request, 404)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith(NOT_PAGES):
            return None
        if isinstance(exception, Http404):
            return error_page(request, 404, exception)
        if isinstance(exception, PermissionDenied):
            return error_page(request, 403, exception)
        if isinstance(exception, SuspiciousOperation):
            # As Django reports it: to the security log, by its kind, without the request's data.
            logging.getLogger(f"django.security.{exception.__class__.__name__}").error(
                "Suspicious request refused: %s", exception.__class__.__name__)
            return error_page(request, 400, exception)
        if settings.DEBUG and not settings.DEBUG_TECHNICAL_500:
            # Django would show its technical page, with the settings and the request's data.
            logging.getLogger("django.request").error(
                "Internal Server Error: %s", request.path, exc_info=exception,
                extra={"status_code": 500, "request": request})
            return error_page(request, 500, exception)
        return None


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers that do not read the page's icon link ask for /favicon.ico."""
    return redirect(static("favicon.ico"), permanent=True)
