import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a trusted reverse proxy (settings.
    TRUSTED_PROXIES) the last address in X-Forwarded-For that is not one of those proxies.

    Each proxy appends the address it was reached from, so entries to the left of the last
    untrusted one were written by the client itself and prove nothing.
    """
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXIES
    if not remote or not proxies or not _within(remote, proxies):
        return remote
    forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a garbled header: keep the address we know
        if not any(address in network for network in proxies):
            return hop
    return remote


def _within(address: str, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class NoStoreMiddleware:
    """Pages may show a peer's name: never let a browser or proxy cache them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response
