"""The one access gate for cases. Every web view and API endpoint that touches a case uses it.

Each case belongs to a program (`Case.program`, its peer's when it opened), and program staff see
the cases of their own program only (`User.program`): a director or administrator of one hospital
finds another's case exactly as a case that does not exist (404), and their lists never hold it.
The director sees every case of their program. The administrator sees them while their program's
settings allow it (`ProgramSettings.administrators_see_cases`, on by default); with it off, only the case
of a live emergency grant of theirs (break-glass, `cases/break_glass.py`), until the grant's
`expires_at`, checked here on every access. A supporter sees only the cases assigned to them.
A case someone may not see does not exist for them (404). Referrers, leaders, clinicians and
integrations never open a case (403: their role may never do this). Every successful access is
audited; one under an emergency grant names the grant, its reason and its end.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext

from peersupport.accounts.models import PROGRAM_STAFF, Role, User
from peersupport.audit.services import audit_record
from peersupport.cases.models import HOLDING_STATES, BreakGlassGrant, Case, CaseQuerySet, CaseState
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.program.models import ProgramSettings

CASE_ROLES = PROGRAM_STAFF | {Role.SUPPORTER}
# Acting on a case (outreach, answer, conversation, close, …) is the assigned supporter's and the
# director's; the administrator reads. Checked before the gate, so the administrator is refused
# for their role (403) whether or not the program lets them see the case.
CASE_ACTOR_ROLES = frozenset({Role.DIRECTOR, Role.SUPPORTER})


def require_case_role(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in CASE_ROLES:
        raise PermissionDenied(gettext("Your role does not give access to cases."))


def require_case_actor(user: User, roles: frozenset[str] = CASE_ACTOR_ROLES) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in roles:
        raise PermissionDenied(gettext("Only the case's supporter, or the director, acts on a case."))


def require_program_staff(user: User) -> None:
    """Suggestions, plans and assignments: the director and administrator only."""
    if not user.is_authenticated or not user.is_active or user.role not in PROGRAM_STAFF:
        raise PermissionDenied(gettext("Only the program's director and administrator assign supporters."))


def administrators_see_cases(user: User | None = None) -> bool:
    """Whether administrators see the cases of this login's program (the default program's
    without a login)."""
    return ProgramSettings.for_program(user.program_id if user is not None else None).administrators_see_cases


def _visible_cases(user: User) -> tuple[CaseQuerySet, bool]:
    """The cases this user may see, and whether they see them only by emergency grants."""
    require_case_role(user)
    cases = Case.objects.all()
    if user.role in PROGRAM_STAFF:
        # The program boundary: a login with no program (none should be) sees no case at all.
        cases = cases.filter(program_id=user.program_id) if user.program_id is not None else cases.none()
    if user.role == Role.DIRECTOR:
        return cases, False
    if user.role == Role.ADMINISTRATOR:
        if administrators_see_cases(user):
            return cases, False
        granted = BreakGlassGrant.objects.live().filter(administrator=user).values("case_id")
        return cases.filter(pk__in=granted), True
    supporter = getattr(user.person, "supporter", None) if user.person_id else None
    if supporter is None:
        return cases.none(), False
    return cases.filter(supporter=supporter), False


def cases_for_user(user: User) -> CaseQuerySet:
    """The cases this user may see at all (not audited: callers audit what they show)."""
    return _visible_cases(user)[0]


def case_for_user(
    user: User, case_id: int, *, action: str = "case.view", for_update: bool = False
) -> Case:
    """The case if this user may see it, else 404; the access is audited as `action`."""
    visible, by_grant = _visible_cases(user)
    cases = visible.with_details()
    if for_update:
        cases = cases.select_for_update(of=("self",))
    try:
        case = cases.get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such case.")) from None
    grant = live_grant(user, case.pk) if by_grant else None
    audit_record(actor=user, action=action, obj=case, detail=grant_detail(grant) if grant else None)
    return case


# Break-glass: an administrator's emergency access to one case, when they may not see cases.


def live_grant(user: User, case_id: int) -> BreakGlassGrant | None:
    """This administrator's live emergency grant for this case, the latest to end, if any."""
    return (BreakGlassGrant.objects.live().filter(administrator=user, case_id=case_id)
            .order_by("-expires_at").first())


def live_grants(user: User) -> list[BreakGlassGrant]:
    """This administrator's live emergency grants, soonest to end first."""
    if not user.is_authenticated or user.role != Role.ADMINISTRATOR:
        return []
    return list(BreakGlassGrant.objects.live().filter(administrator=user).order_by("expires_at", "pk"))


def grant_detail(grant: BreakGlassGrant) -> dict[str, object]:
    """What the audit trail keeps of an access under a grant: ids, the reason's code, the end."""
    return {"break_glass": grant.pk, "reason": grant.reason, "until": grant.expires_at.isoformat()}


def grants_of_case(case: Case) -> list[BreakGlassGrant]:
    """Every emergency grant ever made for a case the caller already opened through the gate
    (for its "Who has seen this case"), oldest first."""
    return list(BreakGlassGrant.objects.filter(case=case).order_by("granted_at", "pk"))


def live_grants_of_case(user: User, case: Case, *, for_update: bool = False) -> list[BreakGlassGrant]:
    """The live emergency grants on a case the director already opened through the gate, so they
    may end them; nobody else's business."""
    if not user.is_authenticated or not user.is_active or user.role != Role.DIRECTOR:
        return []
    grants = BreakGlassGrant.objects.live().filter(case=case).select_related("administrator").order_by("pk")
    return list(grants.select_for_update(of=("self",)) if for_update else grants)


def case_for_break_glass(user: User, case_id: object) -> Case:
    """The open case an administrator asks to open in an emergency, locked for the grant.

    Refused, changing nothing: for any role but the administrator (403); while administrators see
    every case anyway (409); for a case number that is not an open case, with the same answer
    whether it does not exist, is closed or was purged (422), so the answer reveals nothing.
    """
    if not user.is_authenticated or not user.is_active or user.role != Role.ADMINISTRATOR:
        raise PermissionDenied(gettext("Only the program administrator opens a case with emergency access."))
    if administrators_see_cases(user):
        raise Conflict(gettext("Administrators see every case in this program already: open it from Cases."))
    try:
        number = int(str(case_id).strip().lstrip("#"))
    except ValueError:
        number = 0
    # Another program's case is not an open case here: the same answer as a number that does not exist.
    case = (Case.objects.select_for_update(of=("self",))
            .filter(pk=number, purged_at__isnull=True, program_id=user.program_pk)
            .exclude(state=CaseState.CLOSED).first() if 0 < number < 2**31 else None)
    if case is None:
        raise InvalidInput(gettext("No open case has this number. Check the number in the message you were given."))
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
