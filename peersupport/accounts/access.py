"""The access gate for logins: who may see and manage whose sign-in.

The director and the administrator (program staff) see every login and manage the logins of the
roles that do the program's work (supporter, referrer, clinician, leader, integration). Only a
director manages a director's or an administrator's login: an administrator cannot raise anyone
to, or act on, the roles that see every case.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from peersupport.accounts.models import PROGRAM_STAFF, ApiToken, Role, User

STAFF_ONLY = "Only the program's director and administrator manage logins."
DIRECTOR_ONLY = "Only the program director manages the logins of directors and administrators."


def require_login_manager(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in PROGRAM_STAFF:
        raise PermissionDenied(STAFF_ONLY)


def may_manage_role(user: User, role: str) -> bool:
    """Whether `user` may create, deactivate or reset a login with this role."""
    if not user.is_authenticated or not user.is_active or user.role not in PROGRAM_STAFF:
        return False
    if role == Role.SYSTEM_LEADER:
        return False  # it reads every program's figures: the operator's to give (`add_user`)
    return user.role == Role.DIRECTOR or role not in PROGRAM_STAFF


def require_may_manage_role(user: User, role: str) -> None:
    require_login_manager(user)
    if not may_manage_role(user, role):
        raise PermissionDenied(DIRECTOR_ONLY)


def manageable_roles(user: User) -> list[tuple[str, str]]:
    """The roles `user` may give a login, as (value, label) choices."""
    return [(value, str(label)) for value, label in Role.choices if may_manage_role(user, value)]


def logins_for_user(user: User) -> "QuerySet[User]":
    require_login_manager(user)
    # The logins of the manager's own program.
    return User.objects.filter(program_id=user.program_pk).select_related("person")


def login_for_user(user: User, login_id: int) -> User:
    """A login the user may manage (404 for none, 403 for one above their role)."""
    require_login_manager(user)
    login = User.objects.select_related("person").filter(pk=login_id, program_id=user.program_pk).first()
    if login is None:
        raise Http404(gettext("No such login."))
    require_may_manage_role(user, login.role)
    return login


TOKENS_DIRECTOR_ONLY = "Only the program director makes and revokes integration tokens."


def require_token_manager(user: User) -> None:
    """The Integration tokens page is the director's: a token reaches the API without a second step."""
    if not user.is_authenticated or not user.is_active or user.role != Role.DIRECTOR:
        raise PermissionDenied(TOKENS_DIRECTOR_ONLY)


def token_owner_choices(user: User) -> "QuerySet[User]":
    """Whose login a new token may act as: an active integration login, or the director's own."""
    require_token_manager(user)
    return User.objects.filter(is_active=True, program_id=user.program_pk).filter(
        Q(role=Role.INTEGRATION) | Q(pk=user.pk)).order_by("email")


def api_tokens_for_user(user: User) -> "QuerySet[ApiToken]":
    require_token_manager(user)
    return ApiToken.objects.filter(user__program_id=user.program_pk).select_related("user", "created_by")


def api_token_for_user(user: User, token_id: int) -> ApiToken:
    """One token for the director (404 for none)."""
    token = api_tokens_for_user(user).filter(pk=token_id).first()
    if token is None:
        raise Http404(gettext("No such token."))
    return token
