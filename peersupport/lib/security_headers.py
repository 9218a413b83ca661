"""The browser-side defenses Django does not set itself: a Content-Security-Policy with a fresh
nonce for every request, a Permissions-Policy and a Cross-Origin-Resource-Policy.

Django's own SecurityMiddleware sets HSTS (in production), nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sets X-Frame-Options: DENY.

The policy allows scripts and styles from this site only. No page has inline script, inline
style or inline event handlers (`hx-on:*` would need htmx's eval, which the `htmx-config` meta tag
turns off); a template that ever needs an inline `<script>` gives it `nonce="{{ request.csp_nonce }}"`.
The API's interactive docs (ninja's bundled Swagger UI: two script files and a JSON settings
block, which CSP does not execute) work under the same policy; a browser test proves it.
"""

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

NONCE = "{nonce}"

CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'", f"'nonce-{NONCE}'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# Powerful browser features no page of ours uses: nobody may ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


def render_policy(directives: dict[str, list[str]], nonce: str) -> str:
    return "; ".join(
        " ".join([name, *(source.replace(NONCE, nonce) for source in sources)])
        for name, sources in directives.items()
    )


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


class SecurityHeadersMiddleware:
    """Gives every request `request.csp_nonce` and every response the headers above."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = new_nonce()
        request.csp_nonce = nonce  # type: ignore[attr-defined]  # a request takes new attributes; templates read this one
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", render_policy(CONTENT_SECURITY_POLICY, nonce))
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
