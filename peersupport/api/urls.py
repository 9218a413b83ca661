from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path

from peersupport.api.api import api


def json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ninja answers a wrong method with a plain-text 405; the contract wants JSON errors."""

    @wraps(view)  # keeps ninja's csrf_exempt marker
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.has_header("Allow"):
            allow = response["Allow"]
            response = JsonResponse({"detail": f"Method not allowed here; use {allow}."},
                                    status=405)
            response["Allow"] = allow
        return response

    return wrapped


# Not `app_name`: include() would read a module-level app_name as this urlconf's namespace.
_patterns, _app, _namespace = api.urls
for pattern in _patterns:
    if isinstance(pattern, URLPattern):
        pattern.callback = json_method_not_allowed(pattern.callback)

urlpatterns = [path("", (_patterns, _app, _namespace))]
