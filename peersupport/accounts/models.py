import hashlib
import secrets
from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    DIRECTOR = "director", "Program director"
    ADMINISTRATOR = "administrator", "Program administrator"
    SUPPORTER = "supporter", "Peer supporter"
    REFERRER = "referrer", "Referrer"
    CLINICIAN = "clinician", "Clinician"
    LEADER = "leader", "Leadership"
    INTEGRATION = "integration", "Integration"


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

    objects: ClassVar[AccountManager] = AccountManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    def __str__(self) -> str:
        return self.email

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


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        """Not revoked, not past API_TOKEN_MAX_DAYS, and its login still active."""
        tokens = self.filter(revoked_at__isnull=True, user__is_active=True)
        if settings.API_TOKEN_MAX_DAYS:
            tokens = tokens.filter(created_at__gt=timezone.now() - timedelta(days=settings.API_TOKEN_MAX_DAYS))
        return tokens

    def for_key(self, key: str) -> "ApiToken | None":
        return self.usable().select_related("user", "user__person").filter(digest=_digest(key)).first()


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 digest is stored, the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def expires_at(self) -> datetime | None:
        days = settings.API_TOKEN_MAX_DAYS
        return self.created_at + timedelta(days=days) if days else None

    @classmethod
    def issue(cls, user: User) -> tuple["ApiToken", str]:
        key = "pst_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, digest=_digest(key), prefix=key[:12])
        return token, key


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
