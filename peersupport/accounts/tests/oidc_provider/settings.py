"""The test provider's Django settings: django-oauth-toolkit as an OpenID Connect provider.

Everything that varies comes from the environment `process.py` sets: the database file, the RS256
signing key (made in the test), the issuer (its loopback address and port) and the identities.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "oidc-test-provider-only"  # a throwaway provider for tests
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peersupport.accounts.tests.oidc_provider.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [HERE / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                       "django.contrib.auth.context_processors.auth"]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["PROVIDER_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/accounts/login/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The product runs on the same loopback host in the browser test: cookies are per host, not per
# port, so the provider's must not share the product's names.
SESSION_COOKIE_NAME = "provider_sessionid"
CSRF_COOKIE_NAME = "provider_csrftoken"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ["PROVIDER_RSA_KEY"],
    "OIDC_ISS_ENDPOINT": os.environ["PROVIDER_ISSUER"],
    "PKCE_REQUIRED": True,
    # pytest-django's live server is on localhost, at a port chosen at run time.
    "ALLOW_LOCALHOST_LOOPBACK": True,
    "OAUTH2_VALIDATOR_CLASS": "peersupport.accounts.tests.oidc_provider.validator.ClaimsValidator",
    "SCOPES": {"openid": "OpenID Connect", "email": "Email", "profile": "Profile"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
