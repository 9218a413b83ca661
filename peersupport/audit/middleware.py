"""Every refused request is audited: who asked for what, and how it was refused.

A refusal is a 401 (no valid API token), a 403 (the role may not do this), or a 404 from a view
that the URL did reach: the access gates answer 404 for an object that exists but is someone
else's, so a probe for another supporter's case shows up here. A 404 for a URL that matches no
view (and the API's catch-all) is not a refusal and is not recorded.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from peersupport.audit.services import audit_origin, audit_record
from peersupport.lib.middleware import client_ip

REFUSED = frozenset({401, 403, 404})
# The object a refused URL was about, by the name of its id in the URL pattern.
OBJECT_KWARGS = {"case_id": "case", "referral_id": "referral", "resource_id": "resource"}
NOT_A_VIEW = frozenset({"unknown_path"})  # the API's catch-all for unknown paths
PATH_LENGTH = 200


class AuditOriginMiddleware:
    """Marks everything audited during the request as coming from the web (or the API), and
    from the client's address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        via = "api" if request.path.startswith("/api/") else "web"
        with audit_origin(via, client_ip(request)):
            return self.get_response(request)


class AccessDeniedAuditMiddleware:
    """Place after the middleware that sets the audit origin (via, ip) for the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in REFUSED and self._refused_by_a_view(request, response.status_code):
            self._record(request, response.status_code)
        return response

    @staticmethod
    def _refused_by_a_view(request: HttpRequest, status: int) -> bool:
        if status != 404:
            return True
        match = getattr(request, "resolver_match", None)
        return match is not None and match.url_name not in NOT_A_VIEW

    @staticmethod
    def _record(request: HttpRequest, status: int) -> None:
        match = getattr(request, "resolver_match", None)
        kwargs = match.kwargs if match is not None else {}
        object_type, object_id = "path", ""
        for name, kind in OBJECT_KWARGS.items():
            if name in kwargs:
                object_type, object_id = kind, str(kwargs[name])[:40]
                break
        audit_record(
            actor=getattr(request, "user", None),
            action="access.denied",
            object_type=object_type,
            object_id=object_id,
            # The path, never the query string: a search may hold a name.
            # A NUL (from %00) is shown escaped: PostgreSQL's JSON cannot hold one.
            detail={"path": request.path[:PATH_LENGTH].replace("\x00", "\\x00"), "method": request.method,
                    "status": status},
        )
