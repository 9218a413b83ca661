import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DIRECTOR = "director", _("Program director")
    ADMINISTRATOR = "administrator", _("Program administrator")
    SUPPORTER = "supporter", _("Peer supporter")
    REFERRER = "referrer", _("Referrer")
    CLINICIAN = "clinician", _("Clinician")
    LEADER = "leader", _("Leadership")
    # A health system's leadership: every program's reports, side by side and combined; no case.
    SYSTEM_LEADER = "system_leader", _("System leadership")
    INTEGRATION = "integration", _("Integration")


# Roles that run the program and may see every case (every access is audited).
PROGRAM_STAFF = frozenset({Role.DIRECTOR, Role.ADMINISTRATOR})
# Roles that may refer colleagues.
MAY_REFER = frozenset({Role.DIRECTOR, Role.ADMINISTRATOR, Role.REFERRER, Role.INTEGRATION,
                       Role.CLINICIAN, Role.SUPPORTER})


class AccountManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> "User":
        # Django's sign-in form does not enforce the field's length. No address is longer than
        # the field, and SQLite refuses (500) a case-insensitive match on a very long one.
        max_length = self.model._meta.get_field("email").max_length
        if username is None or (max_length is not None and len(username) > max_length):
            raise self.model.DoesNotExist
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A login. Signs in with its email; acts with exactly one role."""

    email = models.EmailField(unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REFERRER)
    person = models.OneToOneField(
        "roster.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    # The program (hospital) this login works in: its director, administrator, supporters,
    # referrers and leaders see that program only. Set when the login is saved without one: the
    # program of its roster entry, else the default program.
    program = models.ForeignKey("program.Program", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="logins")
    # The language of a login without a roster entry (one on the roster speaks its person's):
    # blank, the program's default. peersupport.lib.i18n.language_of.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, blank=True, default="", db_default="")

    objects: ClassVar[AccountManager] = AccountManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.program_id is None:
            from peersupport.program.models import Program  # the program app reads the logins

            person_program = self.person.program_id if self.person_id and self.person else None
            self.program_id = person_program or Program.default().pk
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "program" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "program"]
        super().save(*args, **kwargs)

    @property
    def program_pk(self) -> int:
        """The login's program's id, for filters: 0 (no program, so nothing) for one without."""
        return self.program_id or 0

    @property
    def display_name(self) -> str:
        """The name colleagues know: the roster's, when the login is on it; else the address."""
        person = self.person if self.person_id else None
        return (person.name if person is not None else "") or self.get_full_name() or self.email

    @property
    def is_program_staff(self) -> bool:
        return self.role in PROGRAM_STAFF

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenScope(models.TextChoices):
    """What an API token may do, within its login's role (`peersupport.accounts.scopes`)."""

    FULL = "full", _("Everything its login's role may do")
    REFERRALS = "referrals", _("Referrals only")
    ROSTER = "roster", _("Roster only")
    READ_ONLY = "read_only", _("Read-only")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        """Not revoked, not past its expiry nor API_TOKEN_MAX_DAYS, and its login still active."""
        now = timezone.now()
        tokens = self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        if settings.API_TOKEN_MAX_DAYS:
            tokens = tokens.filter(created_at__gt=now - timedelta(days=settings.API_TOKEN_MAX_DAYS))
        return tokens

    def for_key(self, key: str) -> "ApiToken | None":
        return self.usable().select_related("user", "user__person").filter(digest=_digest(key)).first()

    def with_key(self, key: str) -> "ApiToken | None":
        """The token with this key whatever its state, so a refusal can say why (revoked, expired)."""
        return self.select_related("user", "user__person").filter(digest=_digest(key)).first()


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 digest is stored, the key is shown once.

    Made by the `api_token` command (scope "full", the login's whole role) or by the director on
    the Integration tokens page (a name, a scope and an expiry of their choosing).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    name = models.CharField(max_length=100, blank=True)
    scope = models.CharField(max_length=20, choices=TokenScope.choices, default=TokenScope.FULL)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Chosen when the token is made; API_TOKEN_MAX_DAYS after `created_at` ends it in any case.
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["-created_at"], name="api_token_newest_first")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def ends_at(self) -> datetime | None:
        """When it stops working: its own expiry or API_TOKEN_MAX_DAYS, whichever comes first."""
        days = settings.API_TOKEN_MAX_DAYS
        by_age = self.created_at + timedelta(days=days) if days else None
        ends = [moment for moment in (self.expires_at, by_age) if moment is not None]
        return min(ends) if ends else None

    def refusal(self, now: datetime | None = None) -> str:
        """Why it does not work now, in a sentence; "" while it does."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return f"This API token ({self.prefix}…) was revoked on {self.revoked_at:%Y-%m-%d}."
        ends = self.ends_at
        if ends is not None and ends <= now:
            return f"This API token ({self.prefix}…) expired on {ends:%Y-%m-%d}."
        if not self.user.is_active:
            return f"The login of this API token ({self.prefix}…) is deactivated."
        return ""

    @classmethod
    def issue(
        cls, user: User, *, name: str = "", scope: str = TokenScope.FULL, expires_at: datetime | None = None,
        created_by: User | None = None,
    ) -> tuple["ApiToken", str]:
        key = "pst_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, digest=_digest(key), prefix=key[:12], name=name, scope=scope,
                                   expires_at=expires_at, created_by=created_by)
        return token, key


class IntakeSecret(models.Model):
    """A shared secret that signs the safety-reporting system's intake (`accounts.intake_secrets`).

    The secret itself is never stored: it is derived from SECRET_KEY and this row's random `salt`
    (HMAC-SHA256), so the database alone, or a backup of it, cannot sign a request. At most two
    are valid at once (the new one and the one it replaces) until the old one is retired.
    """

    salt = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Intake secret of {self.created_at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """Which sessions a login holds, so deactivating it can end every one of them.

    Written when someone signs in (and when the key is rotated after the second step), removed
    when they sign out; sessions that simply expire leave a row behind that points at nothing.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="web_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"


class PasswordLinkRequest(models.Model):
    """One "forgot password" request, kept only long enough to limit how often an address, or a
    client, asks.

    The address and the client's IP address are kept as keyed hashes (`lib.keyed.address_digest`,
    `client_digest`), whether or not a login has the address: the table never says which addresses
    have an account. The address typed is kept only until the worker has looked it up (seconds
    later), then blanked; a request over a limit never keeps it.
    """

    address_digest = models.CharField(max_length=64)
    client_digest = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The address typed, until the worker has looked it up; blank after.
    email = models.CharField(max_length=254, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["address_digest", "requested_at"]),
            models.Index(fields=["client_digest", "requested_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.address_digest[:12]}… at {self.requested_at:%Y-%m-%d %H:%M}"
