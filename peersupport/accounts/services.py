from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from peersupport.accounts.access import (
    api_token_for_user,
    require_login_manager,
    require_may_manage_role,
    token_owner_choices,
)
from peersupport.accounts.links import (
    INVITE_KIND,
    RESET_KIND,
    render_invite_email,
    render_reset_email,
)
from peersupport.accounts.models import ApiToken, PasswordLinkRequest, Role, TokenScope, User
from peersupport.accounts.sso import password_allowed
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
    *, email: str, role: str, employee_id: str | None = None, password: str | None = None,
    program_short_name: str | None = None,
) -> tuple[User, bool]:
    """Create or update a login with a role, linked to the roster entry when given, in the program
    named (else its roster entry's, else the default program)."""
    from peersupport.program.models import Program

    program = None
    if program_short_name:
        program = Program.objects.filter(short_name=program_short_name.strip().lower()).first()
        if program is None:
            raise InvalidInput(gettext("Unknown program “%(name)s”; see `manage.py programs list`.")
                               % {"name": program_short_name})
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
            raise InvalidInput(gettext("Unknown employee_id: %(employee_id)s.") % {"employee_id": employee_id})
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        created = existing is None
        user = existing if existing is not None else User(email=email, username=email)
        user.role = role
        if person is not None:
            taken = User.objects.filter(person=person).exclude(pk=user.pk).first()
            if taken:
                raise InvalidInput(gettext("%(employee_id)s is already linked to %(email)s.")
                                   % {"employee_id": employee_id, "email": taken.email})
            user.person = person
        if program is not None:
            user.program = program
        elif person is not None:
            user.program_id = person.program_id
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


def api_token_issue(*, email: str, scope: str = TokenScope.FULL) -> str:
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise InvalidInput(f"No user {email!r}; create it with add_user first.")
    if scope not in TokenScope.values:
        raise InvalidInput(f"Unknown scope {scope!r}; use one of {', '.join(TokenScope.values)}.")
    token, key = ApiToken.issue(user, scope=scope)
    audit_record(actor=None, action="api_token.issue", obj=user, detail={"prefix": token.prefix, "scope": scope})
    return key


def api_token_revoke(*, prefix: str, actor: User | None = None) -> ApiToken:
    """Revoke one token, named by the prefix that `api_token --list` shows (audited)."""
    prefix = (prefix or "").strip().rstrip("…")
    if len(prefix) < 8:
        raise InvalidInput(gettext("Give the token's prefix as --list shows it (pst_ and eight more characters)."))
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
                gettext("A %(role)s's login is linked to their entry on the roster: "
                        "give their employee id (the Roster page shows it).") % {"role": Role(role).label.lower()}
            )
        return None
    person = Person.objects.filter(employee_id=employee_id).first()
    if person is None:
        raise InvalidInput(gettext("No one on the roster has the employee id %(employee_id)s. "
                                   "Check it on the Roster page, or add them to the roster first.")
                           % {"employee_id": employee_id})
    if not person.active:
        raise InvalidInput(gettext("%(name)s (%(employee_id)s) is not active on the roster; "
                                   "make their entry active first.")
                           % {"name": person.name, "employee_id": employee_id})
    if role == Role.SUPPORTER and not Supporter.objects.filter(person=person).exists():
        raise InvalidInput(gettext("%(name)s is not on the supporter team yet. Add them from the "
                                   "Supporters page first, then invite their login.") % {"name": person.name})
    return person


def login_in_use(login: User) -> bool:
    """A login someone has taken up: a password chosen, or signed in (single sign-on needs none)."""
    return login.has_usable_password() or login.last_login is not None


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
        raise InvalidInput(gettext("Give a whole email address, such as name@hospital.org.")) from None
    if len(email) > LOGIN_EMAIL_MAX:
        raise InvalidInput(gettext("A login's email can be at most %(limit)s characters long.")
                           % {"limit": LOGIN_EMAIL_MAX})
    if role not in Role.values:
        raise InvalidInput(gettext("Choose one of the roles offered."))
    require_may_manage_role(actor, role)
    person = _roster_entry(role, employee_id)
    with transaction.atomic():
        login = User.objects.select_for_update().filter(email__iexact=email).first()
        again = login is not None
        if login is not None:
            if login.is_active and login_in_use(login):
                raise Conflict(gettext("%(email)s already has a login. To change its role, deactivate it, "
                                       "then invite it again.") % {"email": email})
            require_may_manage_role(actor, login.role)
        else:
            login = User(email=email, username=email)
        if person is not None:
            taken = User.objects.filter(person=person).exclude(pk=login.pk).first()
            if taken is not None:
                raise Conflict(gettext("%(name)s's roster entry is already linked to the login %(email)s.")
                               % {"name": person.name, "email": taken.email})
        login.role = role
        login.person = person
        # A login invited by a program's staff works in that program.
        login.program_id = actor.program_id
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


def _refuse_self(actor: User, login: User, refusal: str) -> None:
    if actor.pk == login.pk:
        raise Conflict(refusal)


def login_deactivate(*, actor: User, login_id: int) -> tuple[User, CutOff]:
    """Deactivate a login from the web: never one's own, never the last active director."""
    with transaction.atomic():  # the audit trail's lock: two directors cannot deactivate each other at once
        login = User.objects.filter(pk=login_id).first()
        if login is None:
            raise InvalidInput(gettext("No such login."))
        require_may_manage_role(actor, login.role)
        _refuse_self(actor, login, gettext("You cannot deactivate your own login here; ask another director, "
                                           "or the person who runs this application."))
        if not login.is_active:
            raise Conflict(gettext("%(email)s is already deactivated.") % {"email": login.email})
        if login.role == Role.DIRECTOR and not (
            User.objects.filter(role=Role.DIRECTOR, is_active=True).exclude(pk=login.pk).exists()
        ):
            raise Conflict(gettext("%(email)s is the program's only active director. Invite another "
                                   "director first, so that someone can still run the program.")
                           % {"email": login.email})
        return user_deactivate(email=login.email, actor=actor)


def login_two_factor_reset(*, actor: User, login_id: int) -> int:
    """Forget someone else's authenticator from the web (a lost phone)."""
    with transaction.atomic():
        login = User.objects.filter(pk=login_id).first()
        if login is None:
            raise InvalidInput(gettext("No such login."))
        require_may_manage_role(actor, login.role)
        _refuse_self(actor, login, gettext("You cannot reset the two-step sign-in of your own login here; ask "
                                           "another director, or the person who runs this application."))
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
            if login is not None and not password_allowed(login.email):
                # Password sign-in is off for this login (single sign-on): no link to choose one.
                audit_record(actor=None, action="auth.password_link_requested", obj=login,
                             detail={"login": True, "throttled": False, "sso_only": True})
            elif login is None:
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


# Integration tokens, made and revoked by the director on the Integration tokens page.

WEB_TOKEN_SCOPES = (TokenScope.REFERRALS, TokenScope.ROSTER, TokenScope.READ_ONLY)


def _end_of_day(day: date) -> datetime:
    """The first moment after `day` in the program's time zone: a token works through its last day."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def api_token_create(*, actor: User, owner_id: int, name: str, scope: str, expires_on: date) -> tuple[ApiToken, str]:
    """A named, scoped token that works through `expires_on`; returns it and its key (shown once)."""
    owner = token_owner_choices(actor).filter(pk=owner_id).first()
    if owner is None:
        raise InvalidInput(gettext("Choose the login the token acts as: an active integration login, or your own."))
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(gettext("Give the token a name that says what uses it, for example “Safety reporting”."))
    if scope not in WEB_TOKEN_SCOPES:
        raise InvalidInput(gettext("Choose the token's scope: referrals only, roster only, or read-only."))
    today = timezone.localdate()
    if expires_on <= today:
        raise InvalidInput(gettext("Choose an expiry date after today."))
    if settings.API_TOKEN_MAX_DAYS and expires_on > today + timedelta(days=settings.API_TOKEN_MAX_DAYS):
        latest = today + timedelta(days=settings.API_TOKEN_MAX_DAYS)
        raise InvalidInput(gettext("A token works at most %(days)s days: choose %(latest)s or earlier.")
                           % {"days": settings.API_TOKEN_MAX_DAYS, "latest": date_format(latest)})
    with transaction.atomic():
        token, key = ApiToken.issue(owner, name=name[:100], scope=scope, expires_at=_end_of_day(expires_on),
                                    created_by=actor)
        audit_record(actor=actor, action="api_token.create", obj=owner,
                     detail={"prefix": token.prefix, "scope": scope, "expires_on": expires_on.isoformat()})
    return token, key


def api_token_withdraw(*, actor: User, token_id: int) -> ApiToken:
    """The director revokes one token (audited); revoking one already revoked changes nothing."""
    with transaction.atomic():
        token = api_token_for_user(actor, token_id)
        token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        if token.revoked_at is not None:
            raise Conflict(gettext("The token %(prefix)s… was already revoked on %(day)s.")
                           % {"prefix": token.prefix, "day": date_format(timezone.localtime(token.revoked_at))})
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token.user, detail={"prefix": token.prefix})
    return token
