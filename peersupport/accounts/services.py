from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from peersupport.accounts.models import ApiToken, Role, User
from peersupport.audit.services import audit_record, audited_atomic
from peersupport.lib.errors import InvalidInput
from peersupport.roster.models import Person


def user_add(
    *, email: str, role: str, employee_id: str | None = None, password: str | None = None
) -> tuple[User, bool]:
    """Create or update a login with a role, linked to the roster entry when given."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(f"{email!r} is not an email address.") from None
    if role not in Role.values:
        raise InvalidInput(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.")
    person = None
    if employee_id:
        person = Person.objects.filter(employee_id=employee_id).first()
        if person is None:
            raise InvalidInput(f"Unknown employee_id: {employee_id}.")
    with audited_atomic():
        existing = User.objects.filter(email__iexact=email).first()
        created = existing is None
        user = existing if existing is not None else User(email=email, username=email)
        user.role = role
        if person is not None:
            taken = User.objects.filter(person=person).exclude(pk=user.pk).first()
            if taken:
                raise InvalidInput(f"{employee_id} is already linked to {taken.email}.")
            user.person = person
        if password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise InvalidInput(" ".join(error.messages)) from None
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.is_active = True
        user.save()
        audit_record(actor=None, action="user.create" if created else "user.update", obj=user,
                     detail={"role": role, "employee_id": employee_id})
    return user, created


def api_token_issue(*, email: str) -> str:
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise InvalidInput(f"No user {email!r}; create it with add_user first.")
    token, key = ApiToken.issue(user)
    audit_record(actor=None, action="api_token.issue", obj=user, detail={"prefix": token.prefix})
    return key


def api_token_revoke(*, prefix: str, actor: User | None = None) -> ApiToken:
    """Revoke one token, named by the prefix that `api_token --list` shows (audited)."""
    prefix = (prefix or "").strip().rstrip("…")
    if len(prefix) < 8:
        raise InvalidInput("Give the token's prefix as --list shows it (pst_ and eight more characters).")
    with audited_atomic():
        token = ApiToken.objects.select_for_update().filter(prefix=prefix, revoked_at__isnull=True).first()
        if token is None:
            raise InvalidInput(f"No token in use starts with {prefix!r}.")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token.user, detail={"prefix": token.prefix})
    return token


@dataclass(frozen=True)
class CutOff:
    sessions: int
    tokens: int


def cut_off(user: User) -> CutOff:
    """End every web session of the user and revoke their API tokens (idempotent)."""
    from peersupport.accounts.sessions import end_user_sessions

    ended = end_user_sessions(user)
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return CutOff(sessions=ended, tokens=revoked)


def user_deactivate(*, email: str, actor: User | None = None) -> tuple[User, CutOff]:
    """The login can no longer sign in; its open sessions end and its API tokens stop working."""
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise InvalidInput(f"No user {email!r}.")
    with audited_atomic():
        done = cut_off(user)
        user.is_active = False
        user.save(update_fields=["is_active"])  # the post_save receiver sweeps once more
        audit_record(actor=actor, action="user.deactivate", obj=user,
                     detail={"sessions_ended": done.sessions, "tokens_revoked": done.tokens})
    return user, done


def two_factor_reset(*, email: str, actor: User | None = None) -> int:
    """Forget the user's authenticator (a lost phone): they enrol again at their next sign-in.

    Their open sessions end too, since one of them may be on the lost phone.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peersupport.accounts.sessions import end_user_sessions

    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise InvalidInput(f"No user {email!r}.")
    with audited_atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        ended = end_user_sessions(user)
        audit_record(actor=actor, action="two_factor.reset", obj=user,
                     detail={"devices_removed": removed, "sessions_ended": ended})
    return int(removed)
