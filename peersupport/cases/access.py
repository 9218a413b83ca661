"""The one access gate for cases. Every web view and API endpoint that touches a case uses it.

Program staff (director, administrator) see every case; a supporter sees only the cases
assigned to them, and any other case does not exist for them (404). Referrers, leaders,
clinicians and integrations never open a case (403: their role may never do this).
Every successful access is audited.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from peersupport.accounts.models import PROGRAM_STAFF, Role, User
from peersupport.audit.services import audit_record
from peersupport.cases.models import Case, CaseQuerySet

CASE_ROLES = PROGRAM_STAFF | {Role.SUPPORTER}


def require_case_role(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in CASE_ROLES:
        raise PermissionDenied("Your role does not give access to cases.")


def require_program_staff(user: User) -> None:
    """Suggestions, plans and assignments: the director and administrator only."""
    if not user.is_authenticated or not user.is_active or user.role not in PROGRAM_STAFF:
        raise PermissionDenied("Only the program's director and administrator assign supporters.")


def cases_for_user(user: User) -> CaseQuerySet:
    """The cases this user may see at all (not audited: callers audit what they show)."""
    require_case_role(user)
    cases = Case.objects.all()
    if user.role in PROGRAM_STAFF:
        return cases
    supporter = getattr(user.person, "supporter", None) if user.person_id else None
    if supporter is None:
        return cases.none()
    return cases.filter(supporter=supporter)


def case_for_user(
    user: User, case_id: int, *, action: str = "case.view", for_update: bool = False
) -> Case:
    """The case if this user may see it, else 404; the access is audited as `action`."""
    cases = cases_for_user(user).with_details()
    if for_update:
        cases = cases.select_for_update(of=("self",))
    try:
        case = cases.get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case.") from None
    audit_record(actor=user, action=action, obj=case)
    return case


def is_case_supporter(user: User, case: Case) -> bool:
    return bool(user.person_id and case.supporter is not None and case.supporter.person_id == user.person_id)
