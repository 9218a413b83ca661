"""The integration API, version 1: bearer-token auth, JSON errors, one router per area."""

import re
from datetime import timedelta
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import register_converter
from django.urls.converters import StringConverter
from django.utils import timezone
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer

from peersupport.accounts import scopes
from peersupport.accounts.intake_secrets import IntakeNotConfigured, SignatureRefused
from peersupport.accounts.models import ApiToken, User
from peersupport.api import case_actions, cases, intake, people, referrals, resources
from peersupport.api.schemas import NO_NUL
from peersupport.lib.errors import ServiceError
from peersupport.reports import api as reports_api

# Recording every request's time would turn every read into a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)

DESCRIPTION = """\
JSON API for safety-reporting systems, HR roster feeds and scripts.

Authenticate with `Authorization: Bearer <token>`. The program director makes named tokens with
a scope and an expiry on the Integration tokens page (`/logins/tokens/`): "referrals only"
(`POST /referrals`), "roster only" (the people and supporters endpoints) or "read-only" (GET
requests); `python manage.py api_token EMAIL` issues one with the login's whole role. A scope never
widens the login's role. A call outside the token's scope answers 403; an expired or revoked token,
401, saying which.

The safety-reporting system's intake (`POST /intake/safety-report`) takes no token: it is signed
with the shared intake secret (see that operation).

Every error answers a JSON body with a readable `detail`; validation errors (422) also list
`errors` with the location of each offending field. Unknown fields are refused with 422;
a body that is not JSON at all answers 400.
"""


class BundledSwagger(Swagger):
    """Swagger UI from ninja's bundled static files; never ninja's fallback to a public CDN."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        if "ninja" not in settings.INSTALLED_APPS:
            return HttpResponse('The interactive docs need "ninja" in INSTALLED_APPS; the schema '
                                "is at openapi.json.", status=503, content_type="text/plain")
        return super().render_page(request, api, **kwargs)


_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def operation_path(request: HttpRequest) -> str:
    """The operation's path as the OpenAPI schema writes it under /api/v1: `/cases/{case_id}`."""
    match = request.resolver_match
    route = match.route if match is not None else ""
    relative = route.split("api/v1", 1)[-1]
    return "/" + _PARAM.sub(lambda m: "{" + m.group(1) + "}", relative).strip("/")


class TokenRefused(AuthenticationError):
    """A token that exists but no longer works: the 401 says why (revoked, expired, deactivated)."""

    def __init__(self, detail: str) -> None:
        super().__init__(401, detail)


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; the request then acts as the token's (active) user, within
    the token's scope (`peersupport.accounts.scopes`)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = ApiToken.objects.with_key(token)
        if api_token is None:
            return None
        now = timezone.now()
        refused = api_token.refusal(now)
        if refused:
            raise TokenRefused(refused + " Ask the program director for a new token.")
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        # Services and gates read request.user: it must be the token's user, never a session's.
        request.user = api_token.user
        path = operation_path(request)
        if not scopes.scope_allows(api_token.scope, request.method or "", path):
            raise PermissionDenied(scopes.refusal(api_token.scope, request.method or "", path))
        return api_token.user


api = NinjaAPI(
    title="Peer Support Program API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=BearerToken(),
    docs=BundledSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", people.router)
api.add_router("", referrals.router)
api.add_router("", intake.router)
api.add_router("", cases.router)
api.add_router("", case_actions.router)
api.add_router("", resources.router)
api.add_router("", reports_api.router)


def _error(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, exc.status, exc.detail, **({"errors": exc.errors} if exc.errors else {}))


@api.exception_handler(SignatureRefused)
def signature_refused(request: HttpRequest, exc: SignatureRefused) -> HttpResponse:
    return _error(request, 401, exc.detail, header=exc.header)


@api.exception_handler(IntakeNotConfigured)
def intake_not_configured(request: HttpRequest, exc: IntakeNotConfigured) -> HttpResponse:
    return _error(request, 503, exc.detail)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Never say whether the object exists for someone else.
    return _error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "Your role may not do this.")


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = (exc.message if isinstance(exc, TokenRefused) else
              "Missing, invalid or revoked API token: send Authorization: Bearer <token>.")
    response = _error(request, 401, detail)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django would answer its HTML 400 page; the API answers JSON, like every other error.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _error(request, 400, f"The request body is larger than the API accepts ({limit} bytes at most).")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return _error(request, 400, "The request body is not valid JSON.")
    return _error(request, exc.status_code, str(exc))


_PARAM_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field(loc: tuple[Any, ...] | list[Any]) -> list[str | int]:
    """('body', 'payload', 'involved', 0, 'employee_id') -> ['involved', 0, 'employee_id']."""
    parts = list(loc)
    if parts and parts[0] in _PARAM_SOURCES:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    return parts


class FieldError(TypedDict):
    loc: list[str | int]
    msg: str
    type: str


def _describe(loc: list[str | int], error_type: str, msg: str) -> str:
    name = ".".join(str(part) for part in loc) or "request body"
    if error_type == "extra_forbidden":
        return f"unexpected field {name!r}"
    if error_type == "missing":
        return f"{name}: field required"
    if error_type == "string_pattern_mismatch" and NO_NUL in msg:
        return f"{name}: must not contain a NUL character (\\u0000)"
    return f"{name}: {msg[:1].lower()}{msg[1:]}"


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: list[FieldError] = [
        {"loc": _field(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type"))}
        for e in exc.errors
    ]
    detail = "; ".join(_describe(e["loc"], e["type"], e["msg"]) for e in errors)
    return _error(request, 422, detail or "Invalid input.", errors=errors)


class AnyPathConverter(StringConverter):
    """Like Django's `path`, but also across a newline (`.` stops at one): /api/v1/cases/%0A is
    still under the API and answers its JSON 404, not the site's HTML page."""

    regex = r"[\s\S]+"


register_converter(AnyPathConverter, "anypath")

# Registered last so it only catches what no endpoint matched.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{anypath:rest}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything else under /api/v1/ answers a JSON 404, not the site's HTML page."""
    raise Http404


api.add_router("", fallback)
