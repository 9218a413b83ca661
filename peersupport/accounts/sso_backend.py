"""mozilla-django-oidc's authentication backend, held to the program's rules (`sso.py`).

What it adds to the library:
- It acts only in the single sign-on callback (`views_signin.sso_callback`), never on a password
  sign-in, and reads the provider's endpoints only when it acts, so an unreachable provider never
  stands in the way of a password (a break-glass login's).
- The ID token must name our provider as its issuer and our client as its audience, and carry an
  expiry (the library checks the signature and the nonce; PyJWT the times, with a minute's leeway
  for the provider's clock).
- The user info must be about the same subject as the ID token.
- Matching is `sso.match_login`; a login locked by failed passwords (django-axes) stays locked.
- Why an identity was refused, and how a login matched, are left on the request for the view.
"""

from typing import Any

import jwt
from axes.handlers.proxy import AxesProxyHandler
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from peersupport.accounts import sso
from peersupport.accounts.models import User

# How far the provider's clock may be ahead of or behind ours (a token's iat and exp).
CLOCK_LEEWAY_SECONDS = 60
# What the backend leaves on the request for the callback view.
REFUSAL_ATTR = "sso_refusal"
SIGN_IN_ATTR = "sso_sign_in"


def _refuse(request: HttpRequest, reason: str, **detail: Any) -> None:
    setattr(request, REFUSAL_ATTR, {"reason": reason, **detail})


class SingleSignOnBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # untyped library
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads every endpoint here; Django builds a backend for every authenticate()
        # and every request's user, so they are read only when a sign-in needs them (properties).
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return sso.library_setting(attr, *args)

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802  (the library's names)
        return str(sso.library_setting("OIDC_OP_TOKEN_ENDPOINT"))

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return str(sso.library_setting("OIDC_OP_USER_ENDPOINT"))

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return str(sso.library_setting("OIDC_OP_JWKS_ENDPOINT"))

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return str(sso.library_setting("OIDC_RP_CLIENT_ID"))

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:  # noqa: N802
        return str(sso.library_setting("OIDC_RP_CLIENT_SECRET"))

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:  # noqa: N802
        return str(sso.library_setting("OIDC_RP_SIGN_ALGO"))

    @property
    def OIDC_RP_IDP_SIGN_KEY(self) -> None:  # noqa: N802
        return None

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        """The library's check of a signed token, with leeway for the provider's clock: PyJWT
        refuses a token issued even a second "in the future", as a provider a little ahead
        issues it."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The provider's algorithm is not OIDC_SIGN_ALGO.")
        try:
            decoded: dict[str, Any] = jwt.decode(payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO],
                                                 options={"verify_aud": False}, leeway=CLOCK_LEEWAY_SECONDS)
        except jwt.DecodeError as error:
            raise SuspiciousOperation("The token's signature does not check out.") from error
        return decoded

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or not sso.enabled() or "nonce" not in kwargs:
            return None
        if request.path != reverse("sso-callback"):
            return None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (the library also verifies signed user info here)
            issuer = sso.expected_issuer()
            if issuer and str(payload.get("iss", "")).rstrip("/") != issuer:
                raise SuspiciousOperation("The ID token's issuer is not the configured provider.")
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("The ID token was not issued to this client.")
            if "exp" not in payload:
                raise SuspiciousOperation("The ID token has no expiry.")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        request: HttpRequest = self.request
        user_info = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(user_info, dict) or user_info.get("sub") != payload.get("sub"):
            _refuse(request, "provider")
            raise SuspiciousOperation("The user info is not about the ID token's subject.")
        claims = {**payload, **user_info}
        match = sso.match_login(claims)
        if match.login is None:
            _refuse(request, match.how, email=str(claims.get("email") or ""))
            return None
        login = match.login
        if AxesProxyHandler.is_locked(request, {"username": login.email}):
            _refuse(request, "locked", login=login.pk)
            return None
        asserted = sso.provider_asserted_mfa(payload)
        setattr(request, SIGN_IN_ATTR, {"matched_by": match.how, "provider_mfa": asserted})
        return login

    def get_user(self, user_id: Any) -> User | None:
        user = self.UserModel._default_manager.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
