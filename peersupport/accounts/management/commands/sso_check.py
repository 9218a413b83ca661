"""`manage.py sso_check`: what single sign-on is set to, and whether the provider answers as it must.

For an IT team setting it up: it prints the redirect URI to register, reads the provider's
endpoints (discovery) and published keys, and says what matching, the second step and password
sign-in will do. It signs nobody in and changes nothing. A problem ends it with an error.
"""

from typing import Any

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from peersupport.accounts import sso
from peersupport.accounts.models import User


class Command(BaseCommand):
    help = ("Check the single sign-on settings against the identity provider: print the redirect URI to "
            "register, the provider's endpoints and keys, and what matching and the second step will do.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not sso.enabled():
            self.stdout.write("Single sign-on is off (OIDC_CLIENT_ID is not set). See docs/integrations.md.")
            return
        problems: list[str] = []
        say = self.stdout.write
        say(f"Single sign-on is on, for the client {settings.OIDC_CLIENT_ID}.")
        say(f"Redirect URI to register at the provider: {settings.SITE_URL}{reverse('sso-callback')}")
        sso.forget_discovery()
        try:
            issuer = sso.expected_issuer()
            endpoints = {name: sso.endpoint(name) for name in sso.ENDPOINTS}
        except sso.ProviderUnavailable as error:
            raise CommandError(f"The provider could not be read: {error}") from None
        if sso.discovery_url():
            say(f"Discovery document: {sso.discovery_url()}")
            discovered = str(sso.discovery_document().get("issuer", "")).rstrip("/")
            if sso.configured_issuer() and discovered and discovered != sso.configured_issuer():
                problems.append(f"OIDC_ISSUER is {sso.configured_issuer()}, but the provider says its issuer is "
                                f"{discovered}: ID tokens would be refused.")
        say(f"Issuer the ID tokens must carry: {issuer or '(not checked: set OIDC_ISSUER)'}")
        for name, url in endpoints.items():
            say(f"  {sso.ENDPOINTS[name][1]}: {url}")
        problems += self._check_keys(endpoints["OIDC_OP_JWKS_ENDPOINT"])
        self._describe_rules()
        if problems:
            raise CommandError("\n".join(problems))
        say("OK: the provider answers as single sign-on needs.")

    def _check_keys(self, jwks_uri: str) -> list[str]:
        try:
            response = requests.get(jwks_uri, timeout=settings.OIDC_TIMEOUT_SECONDS)
            response.raise_for_status()
            keys = response.json().get("keys", [])
        except (requests.RequestException, ValueError, AttributeError) as error:
            return [f"The provider's keys could not be read from {jwks_uri}: {error}"]
        algorithm = settings.OIDC_SIGN_ALGO
        kinds = {"RS": "RSA", "PS": "RSA", "ES": "EC"}
        usable = [key for key in keys if isinstance(key, dict)
                  and key.get("alg", algorithm) == algorithm and key.get("kty") == kinds.get(algorithm[:2])]
        self.stdout.write(f"Signing keys published: {len(keys)}, of which {len(usable)} for {algorithm}.")
        if not usable:
            return [f"The provider publishes no key for {algorithm} (OIDC_SIGN_ALGO)."]
        return []

    def _describe_rules(self) -> None:
        say = self.stdout.write
        claim = settings.OIDC_EMPLOYEE_ID_CLAIM
        say("Matching: to an active login by email" + (f", or by the employee id in the claim {claim!r}."
                                                       if claim else " only (OIDC_EMPLOYEE_ID_CLAIM is not set)."))
        trusted = [f"amr holds {value!r}" for value in settings.OIDC_MFA_AMR_VALUES]
        trusted += [f"acr is {value!r}" for value in settings.OIDC_MFA_ACR_VALUES]
        if trusted:
            say("The program's own code is not asked when the ID token's " + ", or ".join(trusted) + ".")
        else:
            say("The program's own code is always asked of the roles that need it (no OIDC_MFA_* value is trusted).")
        if settings.PASSWORD_SIGNIN_ENABLED:
            say("Password sign-in: on for every login.")
            return
        glass = settings.PASSWORD_SIGNIN_BREAK_GLASS
        active = sum(User.objects.filter(email__iexact=email, is_active=True).exists() for email in glass)
        say(f"Password sign-in: off, but for the break-glass logins {', '.join(glass) or '(none)'} "
            f"({active} of them active).")
