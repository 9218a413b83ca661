from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class ApiConfig(AppConfig):
    name = "peersupport.api"
    label = "api"

    def ready(self) -> None:
        checks.register(check_bundled_docs)


def check_bundled_docs(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if "ninja" in settings.INSTALLED_APPS:
        return []
    return [checks.Warning(
        '"ninja" is not in INSTALLED_APPS, so /api/v1/docs cannot serve its bundled Swagger UI.',
        hint='Add "ninja" to INSTALLED_APPS (the docs answer 503 until then, never a CDN).',
        id="api.W001",
    )]
