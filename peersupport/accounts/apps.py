from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class AccountsConfig(AppConfig):
    name = "peersupport.accounts"
    label = "accounts"

    def ready(self) -> None:
        from peersupport.accounts import signals  # noqa: F401  (connects the receivers)

        checks.register(check_two_factor_roles)


def check_two_factor_roles(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from peersupport.accounts.models import Role

    unknown = [role for role in settings.TWO_FACTOR_ROLES if role not in Role.values]
    if not unknown:
        return []
    return [checks.Error(
        f"TWO_FACTOR_ROLES names {', '.join(map(repr, unknown))}, which is not a role.",
        hint=f"Use role names: {', '.join(Role.values)}.",
        id="accounts.E001",
    )]
