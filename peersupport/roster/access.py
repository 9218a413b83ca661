"""The access gate for the roster: program staff manage it; integrations may write to it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext

from peersupport.accounts.models import PROGRAM_STAFF, Role, User
from peersupport.roster.models import Person, RosterImport

ROSTER_WRITERS = PROGRAM_STAFF | {Role.INTEGRATION}


def require_roster_reader(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in PROGRAM_STAFF:
        raise PermissionDenied(gettext("Only the program's director and administrator see the roster."))


def require_roster_writer(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in ROSTER_WRITERS:
        raise PermissionDenied(gettext("Your role may not change the roster."))


def require_supporter_manager(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in PROGRAM_STAFF:
        raise PermissionDenied(gettext("Only the program's director and administrator manage supporters."))


def person_for_user(user: User, employee_id: str) -> Person:
    require_roster_reader(user)
    if "\x00" in employee_id:  # names no one, and PostgreSQL refuses to compare it
        raise Http404(gettext("No such person on the roster."))
    try:
        # Another program's person is not on this program's roster: 404, as for no one.
        return Person.objects.select_related("supervisor").get(employee_id=employee_id, program_id=user.program_pk)
    except Person.DoesNotExist:
        raise Http404(gettext("No such person on the roster.")) from None


def refuse_another_programs_person(user: User, employee_id: str) -> None:
    """Program staff write only their own program's roster entries: another program's person
    answers 404, as one that does not exist (the roster feed, an integration, writes any)."""
    if "\x00" in employee_id:  # names no one, and PostgreSQL refuses to compare it
        return
    if user.role in PROGRAM_STAFF and Person.objects.filter(employee_id=employee_id).exclude(
            program_id=user.program_pk).exists():
        raise Http404("No such person on the roster.")


def roster_import_for_user(user: User, roster_import_id: int) -> RosterImport:
    """An import of an HR file, for the program staff who run the roster (without the file itself)."""
    require_roster_reader(user)
    try:
        # Another program's import answers 404, as one that does not exist.
        return RosterImport.objects.defer("content").select_related("created_by").get(
            pk=roster_import_id, program_id=user.program_pk)
    except RosterImport.DoesNotExist:
        raise Http404(gettext("No such import.")) from None
