"""One settings module, configured from environment variables.

With no environment set, the app runs for local use on 127.0.0.1/localhost with an SQLite file
beside the project. `DATABASE_URL` switches to PostgreSQL. `PEERSUPPORT_ENV=production` turns on
the production checks: a real `SECRET_KEY` is required and cookies are secure.
"""

import importlib.util
import ipaddress
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("PEERSUPPORT_ENV", "development").strip().lower()
PRODUCTION = ENVIRONMENT == "production"

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # refused in production  # nosec B105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "PEERSUPPORT_ENV=production needs a real SECRET_KEY (at least 50 random characters), "
            'e.g. python -c "import secrets; print(secrets.token_urlsafe(64))"'
        )
elif not SECRET_KEY:
    SECRET_KEY = _DEV_SECRET_KEY
# Earlier keys, comma-separated, while SECRET_KEY is rotated: what they signed still verifies (sign-in
# sessions, personal links, the safety-report intake's secret; docs/integrations.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")


def _derived_key(purpose: str) -> str:
    """A laptop's key for one purpose, derived from SECRET_KEY: `make run` and `make test` need no setup."""
    import base64
    import hashlib

    digest = hashlib.sha256(f"peersupport.{purpose}:{SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def _fernet_keys(name: str) -> list[str]:
    import base64
    import binascii

    keys = env_list(name, "")
    for position, key in enumerate(keys, start=1):
        try:
            valid = len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
        except (binascii.Error, ValueError, UnicodeEncodeError):
            valid = False
        if not valid:
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 url-safe base64-encoded bytes); make one with "
                '.venv/bin/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
            )
    return keys


# Encryption at rest of peers' contact details and the event's sentence (peersupport.lib.encryption):
# FIELD_ENCRYPTION_KEYS, comma-separated Fernet keys, the first encrypts and all decrypt;
# FIELD_HASH_KEY, comma-separated secrets for the keyed hash columns, the first writes and all are
# looked up. A laptop derives both from SECRET_KEY; production refuses to start without them.
FIELD_ENCRYPTION_KEYS = _fernet_keys("FIELD_ENCRYPTION_KEYS")
FIELD_HASH_KEYS = env_list("FIELD_HASH_KEY", "")
if any(len(key) < 32 for key in FIELD_HASH_KEYS):
    raise ImproperlyConfigured(
        "FIELD_HASH_KEY: each key is at least 32 random characters, e.g. "
        'python -c "import secrets; print(secrets.token_urlsafe(32))"'
    )
if PRODUCTION and not (FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEYS):
    raise ImproperlyConfigured(
        "PEERSUPPORT_ENV=production needs FIELD_ENCRYPTION_KEYS (one or more Fernet keys) and FIELD_HASH_KEY "
        "(at least 32 random characters), kept outside the database and its backups: see docs/security.md, "
        '"Encryption at rest".'
    )
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [_derived_key("field-encryption")]
FIELD_HASH_KEYS = FIELD_HASH_KEYS or [_derived_key("field-hash")]

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
# Under DEBUG a server error still shows the program's own 500 page (its traceback is logged);
# set this to see Django's technical page instead, on a developer's machine only.
DEBUG_TECHNICAL_500 = env_bool("DEBUG_TECHNICAL_500", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Links in emails point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    # Two-step sign-in (TOTP) and sign-in lockout: see peersupport/accounts/.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "peersupport.accounts",
    "peersupport.audit",
    "peersupport.program",
    "peersupport.roster",
    "peersupport.resources",
    "peersupport.referrals",
    "peersupport.cases",
    "peersupport.matching",
    "peersupport.notifications",
    "peersupport.api",
    "peersupport.front",
    # The peer's own path with no account: /support/, asking by work email, personal links.
    "peersupport.support",
    # The team's quarterly meetings, RSVPs, attendance and role-play practice.
    "peersupport.meetings",
    # Group debriefs for a team an event touched: facilitators, invitations, a structured record.
    "peersupport.debriefs",
    # Recruiting supporters: nomination campaigns, nominations through personal links, candidates.
    "peersupport.recruitment",
    # Training the supporters: courses, sessions, attendance, refreshers, evaluations.
    "peersupport.training",
    # Availability, the on-call rota and its calendar feeds, recognition: peersupport/team/.
    "peersupport.team",
    # The team's composition beside the served population, and whom it cannot match well.
    "peersupport.composition",
    # Whom to serve: the load each choice brings, and where to find the supporters it needs.
    "peersupport.planner",
    # Anonymous feedback from peers after their case closes, and its report: peersupport/feedback/.
    "peersupport.feedback",
    # The publicity kit: poster, wallet cards, the places-to-publicize checklist, the opt-in snippet.
    "peersupport.publicity",
    # The demo program (`load_demo`, `demo_code`).
    "peersupport.reports",
    "peersupport.demo",
    # Backup and restore (`manage.py backup`, `manage.py restore`).
    "peersupport.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (with a per-request nonce), Permissions-Policy, CORP.
    "peersupport.lib.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language: the one chosen with the switch (its cookie), else the browser's
    # (Accept-Language). After the session, before CommonMiddleware; a signed-in person's own
    # language is applied once they are known (peersupport.lib.i18n.PersonLanguageMiddleware).
    "django.middleware.locale.LocaleMiddleware",
    # An emailed link's `?lang=`: the page opens in its recipient's language.
    "peersupport.lib.i18n.LinkLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "peersupport.lib.i18n.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "peersupport.lib.middleware.NoStoreMiddleware",
    # Our 400/403/404/405 pages in every mode (Django's technical pages list every URL under DEBUG).
    "peersupport.front.errors.ErrorPageMiddleware",
    # Marks what is audited during the request with where it came from (web or API, address).
    "peersupport.audit.middleware.AuditOriginMiddleware",
    # Audits every refused request (401, 403, a view's 404); inside the audit origin set above.
    "peersupport.audit.middleware.AccessDeniedAuditMiddleware",
    # Sessions: who passed the second step, the idle and absolute limits, the second step itself.
    "django_otp.middleware.OTPMiddleware",
    "peersupport.accounts.middleware.SessionLimitsMiddleware",
    "peersupport.accounts.middleware.TwoFactorRequiredMiddleware",
    # Turns a sign-in refused for lockout into the sign-in page with the reason (keep it last).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peersupport.urls"
WSGI_APPLICATION = "peersupport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "peersupport" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peersupport.front.context.navigation",
            ],
        },
    },
]



def env_seconds(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise ImproperlyConfigured(f"{name} must be a whole number of seconds (0 or more), not {value!r}.")
    return seconds


# How long a process keeps its database connection between requests. In production a minute
# (on PostgreSQL, opening a connection for every request costs about as much as a short request
# itself); 0, a connection per request, in development and tests. `CONN_HEALTH_CHECKS` tests a
# kept connection before a request reuses it, so a restarted database costs no failed request.
DB_CONN_MAX_AGE = env_seconds("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'peersupport.sqlite3'}"),
        conn_max_age=DB_CONN_MAX_AGE,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes; IMMEDIATE
    # transactions take the write lock up front so concurrent writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not any(
    importlib.util.find_spec(driver) for driver in ("psycopg", "psycopg2")
):
    # Production installs leave the driver out unless asked for; say so instead of Django's
    # bare "Error loading psycopg2 or psycopg module".
    raise ImproperlyConfigured(
        "DATABASE_URL names PostgreSQL, but its driver is not installed: pip install '.[postgres]'."
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in lockout (django-axes): after LOGIN_FAILURE_LIMIT failed passwords for one account, from
# any address, that account is locked for LOGIN_LOCKOUT_MINUTES after the last failure. Axes
# checks first; then the usual password check. authenticate() needs the request (tests pass one).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (OpenID Connect); answers nothing unless it is configured and it is the callback.
    "peersupport.accounts.sso_backend.SingleSignOnBackend",
]
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]  # per account: see peersupport/accounts/lockout.py
# axes.W006 wants the address in the key, against rotating user agents or cookies; neither
# changes the account, which is the key here (and an address key would lock a whole hospital
# sharing one outgoing address, or everyone behind a proxy).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "peersupport.accounts.lockout.username"
AXES_LOCKOUT_CALLABLE = "peersupport.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429  # axes' default, named here for the lockout page
AXES_RESET_ON_SUCCESS = True
# A try while locked neither counts nor extends the lock: it ends LOGIN_LOCKOUT_MINUTES after
# the failure that set it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Sign-in attempts are recorded with the same client address as the audit trail.
AXES_CLIENT_IP_CALLABLE = "peersupport.lib.middleware.client_ip"
AXES_VERBOSE = False

# Two-step sign-in (django-otp, TOTP) for directors and administrators.
OTP_TOTP_ISSUER = "Peer Support Program"

# Web sessions end after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after
# signing in (peersupport.accounts.middleware.SessionLimitsMiddleware).
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "15"))
SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
# Roles that give a code from an authenticator app after the password, besides the director and
# administrator, who always do (comma-separated role names, e.g. "supporter").
TWO_FACTOR_ROLES = [role.strip() for role in os.environ.get("TWO_FACTOR_ROLES", "").split(",") if role.strip()]
# Single sign-on with OpenID Connect (peersupport/accounts/sso.py; docs/integrations.md, "Single
# sign-on"). Off unless OIDC_CLIENT_ID is set. The provider's endpoints come from its discovery
# document (OIDC_ISSUER + /.well-known/openid-configuration, or OIDC_DISCOVERY_URL), or each is
# named. Single sign-on never creates a login nor changes a role: an identity is matched to an
# active login by email, or by the employee id (claim OIDC_EMPLOYEE_ID_CLAIM) of its roster entry.
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip().rstrip("/")
OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "").strip()
OIDC_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_AUTHORIZATION_ENDPOINT", "").strip()
OIDC_TOKEN_ENDPOINT = os.environ.get("OIDC_TOKEN_ENDPOINT", "").strip()
OIDC_USERINFO_ENDPOINT = os.environ.get("OIDC_USERINFO_ENDPOINT", "").strip()
OIDC_JWKS_URI = os.environ.get("OIDC_JWKS_URI", "").strip()
OIDC_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256").strip()
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile").strip()
# The button on the sign-in page reads "Sign in with <OIDC_PROVIDER_NAME>".
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your organization's account").strip()
# The claim that carries the employee id (as on the roster), e.g. "employee_id"; empty: match by email only.
OIDC_EMPLOYEE_ID_CLAIM = os.environ.get("OIDC_EMPLOYEE_ID_CLAIM", "").strip()
# The ID token asserts a second factor when its `amr` holds one of OIDC_MFA_AMR_VALUES, or its
# `acr` is one of OIDC_MFA_ACR_VALUES: then the program's own code is not asked. Empty: never trusted.
OIDC_MFA_AMR_VALUES = env_list("OIDC_MFA_AMR_VALUES", "")
OIDC_MFA_ACR_VALUES = env_list("OIDC_MFA_ACR_VALUES", "")
OIDC_TIMEOUT_SECONDS = env_seconds("OIDC_TIMEOUT_SECONDS", 10)
# mozilla-django-oidc's own settings: its client, endpoint and timeout settings are read from ours
# above (peersupport.accounts.sso.library_setting), the endpoints when a sign-in first needs them.
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
# Password sign-in, with single sign-on on, may be turned off for everyone but the break-glass
# logins named (emails, comma-separated): the sign-in form and password links refuse the others.
_signin = os.environ.get("PASSWORD_SIGNIN", "on").strip().lower() or "on"
if _signin not in {"on", "off"}:
    raise ImproperlyConfigured(f"PASSWORD_SIGNIN is 'on' or 'off', not {_signin!r}.")
PASSWORD_SIGNIN_ENABLED = _signin == "on"
PASSWORD_SIGNIN_BREAK_GLASS = [email.lower() for email in env_list("PASSWORD_SIGNIN_BREAK_GLASS", "")]
if not PASSWORD_SIGNIN_ENABLED and not OIDC_CLIENT_ID:
    raise ImproperlyConfigured(
        "PASSWORD_SIGNIN=off needs single sign-on (OIDC_CLIENT_ID and the provider's settings): "
        "otherwise only the break-glass logins could sign in."
    )

# An API token stops working this many days after it was issued (0: never); issue the next one
# before then with `manage.py api_token EMAIL` and revoke the old one with `--revoke PREFIX`.
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "365"))

# Links to set a password (peersupport/accounts/links.py), each usable once: an invitation to a new
# login lasts LOGIN_INVITE_DAYS, a "Forgot password" link PASSWORD_LINK_MINUTES. One address is
# sent at most PASSWORD_LINK_REQUESTS_PER_HOUR "Forgot password" links an hour.
LOGIN_INVITE_DAYS = int(os.environ.get("LOGIN_INVITE_DAYS", "7"))
PASSWORD_LINK_MINUTES = int(os.environ.get("PASSWORD_LINK_MINUTES", "60"))
PASSWORD_LINK_REQUESTS_PER_HOUR = int(os.environ.get("PASSWORD_LINK_REQUESTS_PER_HOUR", "3"))
# One client address may ask for that many an hour, whatever addresses it types.
PASSWORD_LINK_REQUESTS_PER_CLIENT = int(os.environ.get("PASSWORD_LINK_REQUESTS_PER_CLIENT", "30"))
# Django's own limit on any such link: the longer of the two (each kind then checks its own).
PASSWORD_RESET_TIMEOUT = max(LOGIN_INVITE_DAYS * 24 * 60 * 60, PASSWORD_LINK_MINUTES * 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The languages the program speaks. Each app keeps its catalog in its own locale/ folder; the project
# templates' catalog is peersupport/locale/. To add one, see README.md, "Languages".
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "peersupport" / "locale"]
# The switch's choice outlives the session (a public reader has none), and is sent only to us.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = PRODUCTION
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The project-wide assets (our CSS, the vendored htmx) live outside any app.
STATICFILES_DIRS = [BASE_DIR / "peersupport" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Mail: Django's SMTP settings, from the environment (see README).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # SMTPS (port 465); not together with EMAIL_USE_TLS
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL (SMTPS), not both.")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Peer Support Program <peersupport@localhost>")
# How often the outbox retries a message before setting it aside.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
# A message left in `sending` by a worker that died is taken over after this many seconds. Keep it
# well above EMAIL_TIMEOUT, so a slow but live worker is never taken over.
OUTBOX_RECLAIM_SECONDS = int(os.environ.get("OUTBOX_RECLAIM_SECONDS", "600"))

# Text messages (peersupport/notifications/channels.py): a supporter may choose to be told of a new
# peer by text. They go through an SMS gateway's HTTP API in the shape Twilio's takes: a POST of the
# form fields To, From and Body to SMS_GATEWAY_URL, with HTTP Basic credentials. No URL: no texts.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "").strip()
if SMS_GATEWAY_URL and not SMS_GATEWAY_URL.lower().startswith(("https://", "http://")):
    raise ImproperlyConfigured("SMS_GATEWAY_URL must be an https:// (or http://) address.")
SMS_GATEWAY_USERNAME = os.environ.get("SMS_GATEWAY_USERNAME", "")
SMS_GATEWAY_PASSWORD = os.environ.get("SMS_GATEWAY_PASSWORD", "")
# The sender the gateway shows: the program's number (in international form) or an approved name.
SMS_SENDER = os.environ.get("SMS_SENDER", "")
# Seconds to wait for the gateway (connecting, then its answer); a timeout is retried.
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "10"))
# Roster numbers written without a country code get this one (e.g. 1 for the US and Canada).
SMS_DEFAULT_COUNTRY_CODE = os.environ.get("SMS_DEFAULT_COUNTRY_CODE", "")

# The audit trail is sealed into its hash chain by `manage.py seal_audit --loop 5` (Procfile),
# not in requests. When the oldest entry still waiting is older than this, the directors' queue
# says so: the sealing step is not running, and entries stay unprotected until it does.
AUDIT_UNSEALED_ALERT_SECONDS = env_seconds("AUDIT_UNSEALED_ALERT_SECONDS", 300)

# Personal links (peersupport/support/links.py): the link emailed from /support/ask/ works for
# PERSONAL_LINK_HOURS; "I'd like to talk now" in the emails to a peer for INVITATION_LINK_DAYS.
PERSONAL_LINK_HOURS = int(os.environ.get("PERSONAL_LINK_HOURS", "24"))
INVITATION_LINK_DAYS = int(os.environ.get("INVITATION_LINK_DAYS", "30"))
# Requests for a link at /support/ask/: at most this many per address typed, and per client
# address, within the window (counted in the database, so they hold across app servers).
SUPPORT_ASK_PER_ADDRESS = int(os.environ.get("SUPPORT_ASK_PER_ADDRESS", "3"))
SUPPORT_ASK_PER_CLIENT = int(os.environ.get("SUPPORT_ASK_PER_CLIENT", "30"))
SUPPORT_ASK_WINDOW_MINUTES = int(os.environ.get("SUPPORT_ASK_WINDOW_MINUTES", "60"))
# What a referral's external reference (the safety report's own number) may look like; anything
# else is refused, so no free text about a peer or a patient's record number slips in there.
DEFAULT_EXTERNAL_REF_PATTERN = r"[A-Za-z0-9_./-]{1,40}"
EXTERNAL_REF_PATTERN = os.environ.get("EXTERNAL_REF_PATTERN", DEFAULT_EXTERNAL_REF_PATTERN)
try:
    re.compile(EXTERNAL_REF_PATTERN)
except re.error as exc:
    raise ImproperlyConfigured(f"EXTERNAL_REF_PATTERN is not a valid regular expression: {exc}") from exc

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 60 * 60

def _networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False)
                     for part in os.environ.get(name, "").split(",") if part.strip())
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}: {error} (give addresses or networks, comma-separated)") from None


# The reverse proxies in front of the app (addresses or networks, e.g. 10.0.0.0/8). Only a
# request from one of them has its X-Forwarded-For read, for the client's address in the audit
# trail and the sign-in records; from anyone else the header is ignored, as it could be forged.
TRUSTED_PROXIES = _networks("TRUSTED_PROXIES")

SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django's default, stated: no other site's window keeps a handle on ours.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Tracebacks keep their frames but not arbitrary exception messages (peersupport.lib.redact).
    "formatters": {"plain": {"()": "peersupport.lib.redact.RedactingFormatter",
                             "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
