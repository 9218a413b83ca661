from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from peersupport.audit.services import audit_origin


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class NoStoreMiddleware:
    """Pages may show a peer's name: never let a browser or proxy cache them.

    Also marks everything audited during the request as coming from the web (or the API) and
    the client's address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        via = "api" if request.path.startswith("/api/") else "web"
        with audit_origin(via, client_ip(request)):
            response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response
