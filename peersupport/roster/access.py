"""The access gate for the roster: program staff manage it; integrations may write to it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from peersupport.accounts.models import PROGRAM_STAFF, Role, User
from peersupport.roster.models import Person

ROSTER_WRITERS = PROGRAM_STAFF | {Role.INTEGRATION}


def require_roster_reader(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in PROGRAM_STAFF:
        raise PermissionDenied("Only the program's director and administrator see the roster.")


def require_roster_writer(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in ROSTER_WRITERS:
        raise PermissionDenied("Your role may not change the roster.")


def require_supporter_manager(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in PROGRAM_STAFF:
        raise PermissionDenied("Only the program's director and administrator manage supporters.")


def person_for_user(user: User, employee_id: str) -> Person:
    require_roster_reader(user)
    if "\x00" in employee_id:  # names no one, and PostgreSQL refuses to compare it
        raise Http404("No such person on the roster.")
    try:
        return Person.objects.select_related("supervisor").get(employee_id=employee_id)
    except Person.DoesNotExist:
        raise Http404("No such person on the roster.") from None
