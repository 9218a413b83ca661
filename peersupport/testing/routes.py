"""Every route the site serves, found by walking the URL configuration.

Web pages are named URL patterns. API operations live under the NinjaAPI's URL namespace; their
paths are written as in the OpenAPI schema (`/cases/{case_id}`), and which methods each path
serves is asked of the API itself. The access-policy tests use this so that no route, old or new,
goes unchecked.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from peersupport.api.api import api

_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
# A method no route serves: the API answers it with 405 and an `Allow` header naming the rest.
_PROBE_METHOD = "TRACE"


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str  # Django's route from the site root, e.g. "cases/<int:case_id>/"
    params: tuple[str, ...]
    in_api: bool

    @property
    def api_path(self) -> str:
        """The path under the API's mount point as its OpenAPI schema writes it: `/cases/{case_id}`."""
        relative = self.route.removeprefix(api_mount().lstrip("/"))
        return "/" + _PARAM.sub(lambda m: "{" + m.group("name") + "}", relative).strip("/")

    def url(self, values: Mapping[str, object]) -> str:
        """The route with its parameters filled in (KeyError names a parameter without a value)."""
        return "/" + _PARAM.sub(lambda m: str(values[m.group("name")]), self.route)


@cache
def api_mount() -> str:
    return reverse(f"{api.urls_namespace}:api-root")


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespace: str | None
) -> Iterator[tuple[str, URLPattern, str | None]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        else:
            yield prefix + str(pattern.pattern), pattern, namespace


def site_routes() -> list[Route]:
    """Every URL pattern, once per route (the API declares one pattern per operation)."""
    seen: dict[str, Route] = {}
    for route, pattern, namespace in _walk(get_resolver().url_patterns, "", None):
        params = tuple(match.group("name") for match in _PARAM.finditer(route))
        in_api = namespace == api.urls_namespace
        key = route if in_api else f"{route} {pattern.name}"
        seen.setdefault(key, Route(name=pattern.name, route=route, params=params, in_api=in_api))
    return list(seen.values())


@cache
def api_methods(route: Route) -> tuple[str, ...]:
    """The methods an API path serves, from its 405 answer to a method none serves.

    A view that answers every method alike (the schema, the docs) is taken as GET only. The
    answer needs no data and no sign-in, so it is asked once per process.
    """
    url = route.url(dict.fromkeys(route.params, 1))
    response = Client().generic(_PROBE_METHOD, url)
    if response.status_code != 405 or not response.has_header("Allow"):
        return ("GET",)
    return tuple(sorted(method.strip() for method in response["Allow"].split(",") if method.strip()))
