"""The one access gate for cases. Every web view and API endpoint that touches a case uses it.

Program staff (director, administrator) see every case; a supporter sees only the cases
assigned to them, and any other case does not exist for them (404). Referrers, leaders,
clinicians and integrations never open a case (403: their role may never do this).
Every successful access is audited.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from peersupport.accounts.models import PROGRAM_STAFF, Role, User
from peersupport.audit.services import audit_record
from peersupport.cases.models import HOLDING_STATES, Case, CaseQuerySet

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


# The person's own record (`/my/data/`): open to every active login, about that login only.


def cases_of_subject(user: User) -> CaseQuerySet:
    """The cases about this login's own person, as the peer: theirs to see, whatever their role.

    Not audited here: the caller audits what it shows (`case.subject_view`). A login not linked
    to the roster, or no longer active, has none.
    """
    if not user.is_authenticated or not user.is_active or not user.person_id:
        return Case.objects.none()
    return Case.objects.filter(peer_id=user.person_id)


def supporter_case_counts(user: User) -> tuple[int, int]:
    """How many cases this login's own person holds now as a supporter, and has held in all.

    Counts only: which peers they are is for `cases_for_user`, by role.
    """
    if not user.is_authenticated or not user.is_active or not user.person_id:
        return 0, 0
    held = Case.objects.filter(supporter__person_id=user.person_id).aggregate(
        open=Count("pk", filter=Q(state__in=HOLDING_STATES)), all=Count("pk"))
    return held["open"], held["all"]


# A peer without a login: a signed personal link names the person and the case it was sent about.


def case_of_link_holder(*, person_id: int, case_id: int | None) -> Case | None:
    """The case a personal link was sent about, if it is that person's own and not purged.

    The link's signature is the authority here (no login): it names both ids, and the case must be
    the named person's own. Not audited here: the service audits the link's use.
    """
    if case_id is None:
        return None
    return (
        Case.objects.select_related("referral")
        .filter(pk=case_id, peer_id=person_id, purged_at__isnull=True)
        .first()
    )
