from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peersupport.accounts.access import require_login_manager, require_may_manage_role
from peersupport.accounts.links import (
    INVITE_KIND,
    RESET_KIND,
    render_invite_email,
    render_reset_email,
)
from peersupport.accounts.models import ApiToken, PasswordLinkRequest, Role, User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.lib.keyed import address_digest, client_digest, normalize_address
from peersupport.notifications.services import outbox_enqueue
from peersupport.roster.models import Person, Supporter

# Roles whose login must be linked to the person's roster entry: a supporter reads the cases
# assigned to that entry, a clinician asks for support for themself.
ROSTER_ROLES = frozenset({Role.SUPPORTER, Role.CLINICIAN})
# Django's username column is shorter than an email may be; logins use the email as username.
LOGIN_EMAIL_MAX = 150
# How much of an address's keyed hash the audit trail keeps for an address that is no login.
ADDRESS_HASH_LENGTH = 16


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
    with transaction.atomic():
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
    with transaction.atomic():
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
    with transaction.atomic():
        done = cut_off(user)
        user.is_active = False
        user.save(update_fields=["is_active"])  # the post_save receiver sweeps once more
        audit_record(actor=actor, action="user.deactivate", obj=user,
                     detail={"sessions_ended": done.sessions, "tokens_revoked": done.tokens})
    return user, done


def two_factor_reset(*, email: str, actor: User | None = None) -> int:
    """Forget the user's authenticator (a lost phone): they enroll again at their next sign-in.

    Their open sessions end too, since one of them may be on the lost phone.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peersupport.accounts.sessions import end_user_sessions

    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise InvalidInput(f"No user {email!r}.")
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        ended = end_user_sessions(user)
        audit_record(actor=actor, action="two_factor.reset", obj=user,
                     detail={"devices_removed": removed, "sessions_ended": ended})
    return int(removed)


# Logins managed from the web (the director and the administrator, `peersupport.accounts.access`)


def _roster_entry(role: str, employee_id: str) -> Person | None:
    employee_id = (employee_id or "").replace("\x00", "").strip()
    if not employee_id:
        if role in ROSTER_ROLES:
            raise InvalidInput(
                f"A {Role(role).label.lower()}'s login is linked to their entry on the roster: "
                "give their employee id (the Roster page shows it)."
            )
        return None
    person = Person.objects.filter(employee_id=employee_id).first()
    if person is None:
        raise InvalidInput(f"No one on the roster has the employee id {employee_id}. "
                           "Check it on the Roster page, or add them to the roster first.")
    if not person.active:
        raise InvalidInput(f"{person.name} ({employee_id}) is not active on the roster; "
                           "make their entry active first.")
    if role == Role.SUPPORTER and not Supporter.objects.filter(person=person).exists():
        raise InvalidInput(f"{person.name} is not on the supporter team yet. Add them from the "
                           "Supporters page first, then invite their login.")
    return person


def login_invite(*, actor: User, email: str, role: str, employee_id: str = "") -> User:
    """Create a login without a password and email it a link to choose one (audited).

    An address whose login was deactivated, or never chose its password, is invited again: it
    becomes active with the new role, its old password and authenticator are forgotten, and only
    the newest link works.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require_login_manager(actor)
    email = normalize_address(email)
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput("Give a whole email address, such as name@hospital.org.") from None
    if len(email) > LOGIN_EMAIL_MAX:
        raise InvalidInput(f"A login's email can be at most {LOGIN_EMAIL_MAX} characters long.")
    if role not in Role.values:
        raise InvalidInput("Choose one of the roles offered.")
    require_may_manage_role(actor, role)
    person = _roster_entry(role, employee_id)
    with transaction.atomic():
        login = User.objects.select_for_update().filter(email__iexact=email).first()
        again = login is not None
        if login is not None:
            if login.is_active and login.has_usable_password():
                raise Conflict(f"{email} already has a login. To change its role, deactivate it, "
                               "then invite it again.")
            require_may_manage_role(actor, login.role)
        else:
            login = User(email=email, username=email)
        if person is not None:
            taken = User.objects.filter(person=person).exclude(pk=login.pk).first()
            if taken is not None:
                raise Conflict(f"{person.name}'s roster entry is already linked to the login {taken.email}.")
        login.role = role
        login.person = person
        login.is_active = True
        login.set_unusable_password()
        login.save()
        if again:
            TOTPDevice.objects.filter(user=login).delete()
        audit_record(actor=actor, action="user.invite", obj=login,
                     detail={"role": role, "employee_id": person.employee_id if person else None,
                             "again": again})
        subject, body = render_invite_email(login)
        outbox_enqueue(kind=INVITE_KIND, to=login.email, subject=subject, body=body)
    return login


def _refuse_self(actor: User, login: User, what: str) -> None:
    if actor.pk == login.pk:
        raise Conflict(f"You cannot {what} your own login here; ask another director, or the person "
                       "who runs this application.")


def login_deactivate(*, actor: User, login_id: int) -> tuple[User, CutOff]:
    """Deactivate a login from the web: never one's own, never the last active director."""
    with transaction.atomic():  # the audit trail's lock: two directors cannot deactivate each other at once
        login = User.objects.filter(pk=login_id).first()
        if login is None:
            raise InvalidInput("No such login.")
        require_may_manage_role(actor, login.role)
        _refuse_self(actor, login, "deactivate")
        if not login.is_active:
            raise Conflict(f"{login.email} is already deactivated.")
        if login.role == Role.DIRECTOR and not (
            User.objects.filter(role=Role.DIRECTOR, is_active=True).exclude(pk=login.pk).exists()
        ):
            raise Conflict(f"{login.email} is the program's only active director. Invite another "
                           "director first, so that someone can still run the program.")
        return user_deactivate(email=login.email, actor=actor)


def login_two_factor_reset(*, actor: User, login_id: int) -> int:
    """Forget someone else's authenticator from the web (a lost phone)."""
    with transaction.atomic():
        login = User.objects.filter(pk=login_id).first()
        if login is None:
            raise InvalidInput("No such login.")
        require_may_manage_role(actor, login.role)
        _refuse_self(actor, login, "reset the two-step sign-in of")
        return two_factor_reset(email=login.email, actor=actor)


# "Forgot password": a link by email, and never a word about whether the address has a login


def password_link_request(*, email: str, client_ip: str | None = None, now: datetime | None = None) -> None:
    """Take a request for a link to choose a new password, unless its address or its client asked too often.

    The request does the same database work whatever the address: it counts the recent requests
    for the limits, then writes one row and queues one task (or, over a limit, writes only the
    audit entry). Whether the address is an active login's is decided later, by the worker
    (`password_link_process`), so neither the answer nor the time it takes tells anyone whether
    an account exists. Each address gets at most PASSWORD_LINK_REQUESTS_PER_HOUR links an hour,
    and each client address may ask PASSWORD_LINK_REQUESTS_PER_CLIENT times an hour, both counted
    under keyed hashes. The caller answers the same page either way.
    """
    now = now or timezone.now()
    address = normalize_address(email)
    digest = address_digest(address)
    client = client_digest(client_ip)
    recent = PasswordLinkRequest.objects.filter(requested_at__gte=now - timedelta(hours=1))
    limited = (
        recent.filter(address_digest=digest).count() >= settings.PASSWORD_LINK_REQUESTS_PER_HOUR
        or recent.filter(client_digest=client).count() >= settings.PASSWORD_LINK_REQUESTS_PER_CLIENT
    )
    with transaction.atomic():
        if limited:
            # Nothing kept but the keyed hash: whether a login has the address is never looked up.
            audit_record(actor=None, action="auth.password_link_requested", object_type="user",
                         detail={"address_hash": digest[:ADDRESS_HASH_LENGTH], "throttled": True})
            return
        request = PasswordLinkRequest.objects.create(address_digest=digest, client_digest=client,
                                                     requested_at=now,
                                                     # Longer than any login's: it cannot be one.
                                                     email=address if len(address) <= LOGIN_EMAIL_MAX else "")
        transaction.on_commit(partial(_schedule_password_link, request.pk), robust=True)


def _schedule_password_link(request_id: int) -> None:
    from peersupport.accounts.tasks import process_password_link_request

    process_password_link_request.enqueue(request_id)


def password_link_process(request_id: int, *, now: datetime | None = None) -> bool:
    """The worker's half of "Forgot password": email a link if the address is an active login's.

    Safe to run again. The address typed is blanked in the same transaction. The audit trail names
    the login when there is one, and otherwise keeps only a shortened keyed hash, never the
    address typed. Returns whether a link was sent.
    """
    now = now or timezone.now()
    sent = False
    with transaction.atomic():
        claimed = PasswordLinkRequest.objects.filter(pk=request_id, processed_at__isnull=True).update(
            processed_at=now)
        request = PasswordLinkRequest.objects.filter(pk=request_id).first() if claimed else None
        if request is not None:
            login = None
            if request.email and len(request.email) <= LOGIN_EMAIL_MAX:
                login = User.objects.filter(email__iexact=request.email, is_active=True).first()
            if login is None:
                audit_record(actor=None, action="auth.password_link_requested", object_type="user",
                             detail={"login": False, "address_hash": request.address_digest[:ADDRESS_HASH_LENGTH],
                                     "throttled": False})
            else:
                audit_record(actor=None, action="auth.password_link_requested", obj=login,
                             detail={"login": True, "throttled": False})
                subject, body = render_reset_email(login)
                outbox_enqueue(kind=RESET_KIND, to=login.email, subject=subject, body=body)
                sent = True
            PasswordLinkRequest.objects.filter(pk=request_id).update(email="")
    forget_old_password_link_requests(now=now)
    return sent


def forget_old_password_link_requests(*, now: datetime | None = None) -> None:
    """Requests older than the limits' hour are deleted, once the worker has looked them up."""
    now = now or timezone.now()
    PasswordLinkRequest.objects.filter(requested_at__lt=now - timedelta(hours=1)).filter(
        Q(processed_at__isnull=False) | Q(email="")).delete()


def password_set_from_link(*, login: User, password: str) -> int:
    """A password chosen through a link: set it, end every session of the login (audited).

    The password has passed AUTH_PASSWORD_VALIDATORS (the form). The login's sign-in lockout is
    lifted: whoever holds the mailbox may sign in now. Returns how many sessions ended.
    """
    from axes.utils import reset as axes_reset

    from peersupport.accounts.sessions import end_user_sessions

    with transaction.atomic():
        first = not login.has_usable_password()
        login.set_password(password)
        login.save(update_fields=["password"])
        ended = end_user_sessions(login)
        audit_record(actor=None, action="auth.password_set", obj=login,
                     detail={"first": first, "sessions_ended": ended})
    axes_reset(username=normalize_address(login.email))
    return ended
