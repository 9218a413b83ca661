"""Single sign-on with OpenID Connect: its settings, the provider's endpoints, and the rules.

The protocol is mozilla-django-oidc's (`sso_backend.py`, `views_signin.py`); what the program
decides is here:

- **Matching.** An identity signs in as an existing, active login: the login with the email the
  provider asserts, or the login whose roster entry has the employee id in the claim named by
  `OIDC_EMPLOYEE_ID_CLAIM`. Single sign-on never creates a login and never changes a role; an
  identity that matches no active login (or two different ones) is refused with a kind page that
  says nothing about who is on the roster.
- **The second step.** The program's own code (`two_factor.py`) is not asked when the ID token
  asserts a second factor in the way the settings trust: `amr` holding one of
  `OIDC_MFA_AMR_VALUES`, or `acr` equal to one of `OIDC_MFA_ACR_VALUES`. The session remembers it
  (`PROVIDER_MFA_KEY`, tied to the login), and `second_step_pending` reads it.
- **Password sign-in** may be turned off (`PASSWORD_SIGNIN=off`, read as `PASSWORD_SIGNIN_ENABLED`)
  while single sign-on is on, for everyone but the break-glass logins (`PASSWORD_SIGNIN_BREAK_GLASS`).
"""

import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ImproperlyConfigured

from peersupport.accounts.models import User
from peersupport.lib.keyed import normalize_address

# The session key that says the provider asserted a second factor for this login at sign-in.
PROVIDER_MFA_KEY = "_sso_provider_mfa"
# How long the provider's discovery document is kept before it is read again.
DISCOVERY_TTL_SECONDS = 3600

# Our setting, the discovery document's field, and mozilla-django-oidc's setting for each endpoint.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": ("OIDC_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
    "OIDC_OP_TOKEN_ENDPOINT": ("OIDC_TOKEN_ENDPOINT", "token_endpoint"),
    "OIDC_OP_USER_ENDPOINT": ("OIDC_USERINFO_ENDPOINT", "userinfo_endpoint"),
    "OIDC_OP_JWKS_ENDPOINT": ("OIDC_JWKS_URI", "jwks_uri"),
}


# mozilla-django-oidc's setting -> ours (read at each use, so a changed setting takes effect).
LIBRARY_FROM_OURS = {f"OIDC_RP_{name}": f"OIDC_{name}"
                     for name in ("CLIENT_ID", "CLIENT_SECRET", "SIGN_ALGO", "SCOPES")}
LIBRARY_FROM_OURS["OIDC_TIMEOUT"] = "OIDC_TIMEOUT_SECONDS"


class ProviderUnavailable(Exception):
    """The identity provider could not be reached, or answered something unusable."""


def enabled() -> bool:
    return bool(settings.OIDC_CLIENT_ID)


def provider_name() -> str:
    return str(settings.OIDC_PROVIDER_NAME or "your organization's account")


# The provider's endpoints, named in the settings or read from its discovery document

_discovery_lock = threading.Lock()
_discovery: dict[str, tuple[float, dict[str, Any]]] = {}


def configured_issuer() -> str:
    return str(settings.OIDC_ISSUER or "").strip().rstrip("/")


def discovery_url() -> str:
    if settings.OIDC_DISCOVERY_URL:
        return str(settings.OIDC_DISCOVERY_URL)
    if configured_issuer():
        return f"{configured_issuer()}/.well-known/openid-configuration"
    return ""


def discovery_document() -> dict[str, Any]:
    url = discovery_url()
    if not url:
        raise ImproperlyConfigured(
            "Single sign-on needs OIDC_ISSUER (or OIDC_DISCOVERY_URL), or every endpoint named: "
            "OIDC_AUTHORIZATION_ENDPOINT, OIDC_TOKEN_ENDPOINT, OIDC_USERINFO_ENDPOINT, OIDC_JWKS_URI."
        )
    now = time.monotonic()
    with _discovery_lock:
        cached = _discovery.get(url)
        if cached is not None and now - cached[0] < DISCOVERY_TTL_SECONDS:
            return cached[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"The discovery document at {url} could not be read: {error}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"The discovery document at {url} is not a JSON object.")
    with _discovery_lock:
        _discovery[url] = (now, document)
    return document


def forget_discovery() -> None:
    """Read the discovery document afresh next time (tests; a provider that moved)."""
    with _discovery_lock:
        _discovery.clear()


def expected_issuer() -> str:
    """The `iss` the ID tokens must carry: OIDC_ISSUER, else the discovery document's."""
    if configured_issuer():
        return configured_issuer()
    if discovery_url():
        return str(discovery_document().get("issuer", "")).rstrip("/")
    return ""


def endpoint(library_setting: str) -> str:
    """One of mozilla-django-oidc's endpoint settings (ENDPOINTS), resolved when first needed."""
    ours, field = ENDPOINTS[library_setting]
    named = getattr(settings, ours, "")
    if named:
        return str(named)
    value = discovery_document().get(field)
    if not isinstance(value, str) or not value:
        raise ProviderUnavailable(f"The provider's discovery document has no {field}.")
    return value


def library_setting(attr: str, *default: Any) -> Any:
    """What mozilla-django-oidc reads as a setting (its classes' `get_settings`)."""
    if attr in ENDPOINTS:
        return endpoint(attr)
    if attr in LIBRARY_FROM_OURS:
        return getattr(settings, LIBRARY_FROM_OURS[attr])
    if attr == "OIDC_RP_IDP_SIGN_KEY":
        return None  # always the keys the provider publishes (its JWKS)
    return getattr(settings, attr, *default)


# Which login an identity is


@dataclass(frozen=True)
class Match:
    login: User | None
    # How it matched ("email", "employee_id"), or why it did not ("no_login", "two_logins").
    how: str


def _claim_text(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name) if name else None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


def match_login(claims: dict[str, Any]) -> Match:
    """The active login this identity is, by email or by its roster entry's employee id.

    An email the provider marks unverified (`email_verified: false`) is not used. When the email
    and the employee id point at two different logins, neither is chosen.
    """
    email = normalize_address(_claim_text(claims, "email"))
    if claims.get("email_verified") in (False, "false"):  # some providers send it as a string
        email = ""
    employee_id = _claim_text(claims, settings.OIDC_EMPLOYEE_ID_CLAIM)
    active = User.objects.filter(is_active=True).select_related("person")
    longest = User._meta.get_field("email").max_length or 254
    by_email = active.filter(email__iexact=email).first() if email and len(email) <= longest else None
    by_employee_id = active.filter(person__employee_id=employee_id).first() if employee_id else None
    if by_email is not None and by_employee_id is not None and by_email.pk != by_employee_id.pk:
        return Match(None, "two_logins")
    if by_email is not None:
        return Match(by_email, "email")
    if by_employee_id is not None:
        return Match(by_employee_id, "employee_id")
    return Match(None, "no_login")


# The provider's second factor


def provider_asserted_mfa(id_token: dict[str, Any]) -> str:
    """The trusted claim in the ID token that asserts a second factor ("amr=mfa"), or ""."""
    amr = id_token.get("amr")
    methods = [amr] if isinstance(amr, str) else amr if isinstance(amr, list) else []
    for method in methods:
        if isinstance(method, str) and method in settings.OIDC_MFA_AMR_VALUES:
            return f"amr={method}"
    acr = id_token.get("acr")
    if isinstance(acr, str) and acr in settings.OIDC_MFA_ACR_VALUES:
        return f"acr={acr}"
    return ""


def remember_provider_mfa(session: SessionBase, user: User, asserted: str) -> None:
    if asserted:
        session[PROVIDER_MFA_KEY] = user.pk
    else:
        session.pop(PROVIDER_MFA_KEY, None)


def session_has_provider_mfa(session: SessionBase | None, user: Any) -> bool:
    """Whether this session's sign-in came with a second factor the provider asserted, for this login."""
    pk = getattr(user, "pk", None)
    if session is None or pk is None or not enabled():
        return False
    return bool(session.get(PROVIDER_MFA_KEY) == pk)


# Password sign-in


def password_sign_in_off() -> bool:
    return not settings.PASSWORD_SIGNIN_ENABLED and enabled()


def password_allowed(email: str) -> bool:
    """Whether this address may sign in with a password (or get a link to choose one)."""
    if not password_sign_in_off():
        return True
    return normalize_address(email) in settings.PASSWORD_SIGNIN_BREAK_GLASS


def password_off_message() -> str:
    return (f"Signing in with a password is turned off here. Use “Sign in with {provider_name()}” "
            "above. If that does not work for you, ask the program office.")


def sign_in_context() -> dict[str, Any]:
    """What the sign-in page shows of single sign-on."""
    return {
        "sso_enabled": enabled(),
        "sso_provider_name": provider_name(),
        "password_sign_in_off": password_sign_in_off(),
    }
