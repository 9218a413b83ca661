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
        checks.register(check_single_sign_on)


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


def check_single_sign_on(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Single sign-on set up far enough to work, and a way in when the provider is down."""
    from peersupport.accounts.sso import ENDPOINTS, enabled

    if not enabled():
        return []
    found: list[checks.CheckMessage] = []
    named = [getattr(settings, ours) for ours, _ in ENDPOINTS.values()]
    if not (settings.OIDC_ISSUER or settings.OIDC_DISCOVERY_URL or all(named)):
        found.append(checks.Error(
            "OIDC_CLIENT_ID is set, but not where the identity provider is.",
            hint="Set OIDC_ISSUER (its endpoints are then discovered), or OIDC_DISCOVERY_URL, or all of "
                 "OIDC_AUTHORIZATION_ENDPOINT, OIDC_TOKEN_ENDPOINT, OIDC_USERINFO_ENDPOINT and OIDC_JWKS_URI.",
            id="accounts.E002",
        ))
    if not settings.OIDC_CLIENT_SECRET:
        found.append(checks.Error(
            "OIDC_CLIENT_ID is set without OIDC_CLIENT_SECRET.",
            hint="Give the client secret the identity provider issued for the program.",
            id="accounts.E003",
        ))
    if not settings.PASSWORD_SIGNIN_ENABLED and not settings.PASSWORD_SIGNIN_BREAK_GLASS:
        found.append(checks.Warning(
            "PASSWORD_SIGNIN=off with no PASSWORD_SIGNIN_BREAK_GLASS: nobody can sign in while the "
            "identity provider is down.",
            hint="Name one or two break-glass logins (a director's) in PASSWORD_SIGNIN_BREAK_GLASS.",
            id="accounts.W001",
        ))
    return found
