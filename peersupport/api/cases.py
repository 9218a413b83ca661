"""Cases: the queue, one case, its suggested supporters, and assigning one."""

from typing import Annotated

from django.http import HttpResponse
from ninja import Path, Query, Router

from peersupport.accounts.requests import SignedInRequest
from peersupport.api.schemas import AssignmentIn, CaseDetailOut, CaseOut, LegalHoldIn, SuggestionOut, responses
from peersupport.audit.services import audit_record_many
from peersupport.cases.access import case_for_user, cases_for_user, require_program_staff
from peersupport.cases.models import Case, CaseState
from peersupport.cases.retention import case_set_legal_hold
from peersupport.cases.services import case_assign
from peersupport.matching.core import Suggestion
from peersupport.matching.selectors import SUGGESTION_COUNT, suggestions_for_case

router = Router(tags=["cases"])

MAX_PAGE = 200
# Ids and offsets beyond a 64-bit integer are bad input (422), not a database error.
CaseId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.get(
    "/cases",
    response=responses({200: list[CaseOut]}, 422),
    summary="The cases the caller may see",
    description="Director: all; administrator: all as the program settings allow, else only a case under their "
    "emergency access; supporter: their own. Most overdue first "
    "(by the due time of the next step; cases with nothing due last). Paginated with `limit` "
    "and `offset`; the `X-Total-Count` header gives the number of matching cases.",
)
def case_list(
    request: SignedInRequest,
    response: HttpResponse,
    state: CaseState | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> list[Case]:
    # Each case's next step follows its conversations: fetched with the page, not once per case.
    cases = cases_for_user(request.user).with_details().with_encounters().most_overdue_first()
    if state:
        cases = cases.filter(state=state)
    response["X-Total-Count"] = str(cases.count())
    page = list(cases[offset : offset + limit])
    if page:
        audit_record_many(actor=request.user, action="case.list", object_type="case",
                          object_ids=[case.pk for case in page])
    return page


@router.get(
    "/cases/{int:case_id}",
    response=responses({200: CaseDetailOut}, 404, 422),
    summary="One case",
    description="Director; administrator as the program settings allow (or under their emergency access); "
    "the assigned supporter. Audited. Beyond the "
    "contract's fields: `outreach_attempts`, `responded_at`, `closed_at`, and the structured "
    "`encounters` and shared `resources` (never what was said).",
)
def case_get(request: SignedInRequest, case_id: CaseId) -> Case:
    return case_for_user(request.user, case_id)


@router.get(
    "/cases/{int:case_id}/suggestions",
    response=responses({200: list[SuggestionOut]}, 404, 422),
    summary="Eligible supporters for the case, best first",
    description=f"Director, administrator. The top {SUGGESTION_COUNT} by default; `limit` "
    "asks for more (up to every eligible supporter). Supporters who break a hard rule are "
    "never listed. Nor, while the program's one-peer-per-event rule is on, is a supporter who "
    "already supports another case of the same referral: assigning them needs an "
    "`override_reason`. The peer's earlier supporter (an open case, one closed within a year, "
    "or the case a re-engagement comes back to) carries the reason \"supported this peer "
    "before (case #N)\".",
)
def case_suggestions(
    request: SignedInRequest,
    case_id: CaseId,
    limit: Annotated[int, Query(ge=1, le=10_000)] = SUGGESTION_COUNT,
) -> list[Suggestion]:
    require_program_staff(request.user)
    case = case_for_user(request.user, case_id, action="case.suggestions")
    return suggestions_for_case(case, limit=limit)


@router.post(
    "/cases/{int:case_id}/assignment",
    response=responses({200: CaseDetailOut}, 400, 404, 409, 422),
    summary="Assign (or reassign) a supporter and notify them",
    description="Director, administrator. 422 when the supporter breaks a hard rule, or is "
    f"outside the top {SUGGESTION_COUNT} suggestions, or already supports another case of the "
    "same referral while the one-peer-per-event rule is on, without an `override_reason`. 409 when "
    'the case already has a supporter (send `"reassign": true` to change it) or someone '
    "else changed it at the same moment.",
)
def case_assignment(request: SignedInRequest, case_id: CaseId, payload: AssignmentIn) -> Case:
    return case_assign(
        actor=request.user,
        case_id=case_id,
        supporter_employee_id=payload.supporter,
        override_reason=payload.override_reason or "",
        reassign=payload.reassign,
    )


@router.post(
    "/cases/{int:case_id}/legal-hold",
    response=responses({200: CaseDetailOut}, 400, 404, 409, 422),
    summary="Place or lift a legal hold",
    description="Director only (other roles answer 403). While `legal_hold` is true the "
    "retention purge leaves the case as it is, however long ago it closed. 409 when the case's "
    "details were already purged. Audited.",
)
def case_legal_hold(request: SignedInRequest, case_id: CaseId, payload: LegalHoldIn) -> Case:
    return case_set_legal_hold(actor=request.user, case_id=case_id, hold=payload.legal_hold)
