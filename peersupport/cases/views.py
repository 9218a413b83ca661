from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from peersupport.accounts.models import PROGRAM_STAFF, Role, User
from peersupport.accounts.requests import SignedInRequest
from peersupport.audit.selectors import CASE_ACCESS_LOG_SIZE, case_access_log, unsealed_audit_alert
from peersupport.audit.services import audit_record_many
from peersupport.cases.access import (
    administrators_see_cases,
    case_for_user,
    cases_for_user,
    is_case_supporter,
    live_grant,
    live_grants_of_case,
)
from peersupport.cases.forms import AssignForm, CaseFilterForm, EncounterForm, OverrideForm
from peersupport.cases.models import HOLDING_STATES, Case, CaseState, CheckInReason
from peersupport.cases.services import case_assign
from peersupport.cases.services_checkin import open_check_in, open_check_ins
from peersupport.cases.supporter_page import outreach_for, supporter_context
from peersupport.cases.timeline import case_timeline
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.matching.selectors import SUGGESTION_COUNT, continuity_cases, matching_for_case
from peersupport.matching.wishes import wishes_for_display
from peersupport.notifications.services import set_aside_messages
from peersupport.team.selectors import on_call_now

PAGE_SIZE = 50
MY_CASES_MAX = 100
# Beyond the top suggestions the director may pick from this many more in a list, or anyone
# else by employee id: a health system has thousands of eligible supporters.
MORE_SUPPORTERS_MAX = 50


def _break_glass_offered(user: User) -> bool:
    """An administrator who may not see cases: their lists say why they are empty, and where to
    open a case in an emergency."""
    return user.role == Role.ADMINISTRATOR and not administrators_see_cases(user)


def _audit_shown(user: User, cases: list[Case]) -> None:
    audit_record_many(actor=user, action="case.list", object_type="case", object_ids=[c.pk for c in cases])


@role_required(PROGRAM_STAFF, "Only the program's director and administrator work the queue.")
@require_GET
def queue(request: SignedInRequest) -> HttpResponse:
    waiting = cases_for_user(request.user).awaiting_assignment()
    page = Paginator(
        waiting.with_details().with_referral_links().most_overdue_first(), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    _audit_shown(request.user, shown)
    # Referrals with more than one waiting clinician are best assigned together, by plan.
    plannable = set(
        waiting.filter(referral_id__in={c.referral_id for c in shown})
        .order_by()
        .values("referral_id")
        .annotate(waiting=Count("pk"))
        .filter(waiting__gt=1)
        .values_list("referral_id", flat=True)
    )
    return render(request, "cases/queue.html",
                  {"page_obj": page, "cases": shown, "plannable": plannable,
                   "set_aside_total": set_aside_messages().count(),
                   "audit_unsealed": unsealed_audit_alert(),
                   "check_ins": open_check_ins(request.user), "on_call": on_call_now(request.user.program_pk),
                   "is_director": request.user.role == Role.DIRECTOR,
                   "break_glass_offered": _break_glass_offered(request.user)})


@login_required
@require_GET
def case_list(request: SignedInRequest) -> HttpResponse:
    cases = cases_for_user(request.user)
    form = CaseFilterForm(request.GET)
    if form.is_valid() and form.cleaned_data["state"]:
        cases = cases.filter(state=form.cleaned_data["state"])
    page = Paginator(cases.with_details().with_encounters().order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    _audit_shown(request.user, shown)
    return render(request, "cases/case_list.html", {"form": form, "page_obj": page, "cases": shown,
                                                    "break_glass_offered": _break_glass_offered(request.user)})


@role_required({Role.SUPPORTER}, "This page lists a supporter's own cases.")
@require_GET
def my_cases(request: SignedInRequest) -> HttpResponse:
    """"My peers": every case not yet closed, including a decline still to be closed."""
    cases = list(
        cases_for_user(request.user).exclude(state=CaseState.CLOSED).with_details().with_encounters()
        .most_overdue_first()[:MY_CASES_MAX]
    )
    _audit_shown(request.user, cases)
    rows = [(case, outreach_for(case)) for case in cases]
    return render(request, "cases/my_cases.html", {"rows": rows})


def _case_page(
    request: SignedInRequest,
    case_id: int,
    *,
    reassign: bool = False,
    error: str = "",
    override_form: OverrideForm | None = None,
    encounter_form: EncounterForm | None = None,
    status: int = 200,
) -> HttpResponse:
    case = case_for_user(request.user, case_id)
    context: dict[str, Any] = {"case": case, "is_staff": request.user.role in PROGRAM_STAFF, "error": error}
    if _break_glass_offered(request.user):
        context["break_glass"] = live_grant(request.user, case.pk)
    context.update(supporter_context(request.user, case, encounter_form=encounter_form))
    if request.user.role == Role.DIRECTOR:
        context.update(case_access=case_access_log(case), case_access_limit=CASE_ACCESS_LOG_SIZE,
                       live_grants=live_grants_of_case(request.user, case))
    if is_case_supporter(request.user, case):
        # "I'd like a check-in": the supporter's own, whatever the case's state.
        context.update(check_in_offered=True, check_in=open_check_in(case), check_in_reasons=CheckInReason.choices)
    if context["is_staff"]:
        assignable = case.state == CaseState.AWAITING_ASSIGNMENT or (
            reassign and case.state in HOLDING_STATES
        )
        context.update(
            history=case.assignments.select_related("supporter__person", "assigned_by"),
            timeline=case_timeline(case),
            can_reassign=case.state in HOLDING_STATES,
            reassign=reassign and assignable,
            assignable=assignable,
            # The peer's wishes and their other cases (continuity): cases/parts/matching.html.
            wishes=wishes_for_display(case.referral.preferences) if case.peer_id else [],
            continuity=continuity_cases(request.user, case),
        )
        if assignable:
            matching = matching_for_case(case)
            ranked = matching.suggestions
            context.update(
                matching=matching,
                suggestions=ranked[:SUGGESTION_COUNT],
                more_supporters=ranked[SUGGESTION_COUNT:SUGGESTION_COUNT + MORE_SUPPORTERS_MAX],
                # Left out of the suggestions by the one-peer-per-event rule, yet still eligible: offered
                # in the same list, marked, and (as anyone outside the suggestions) only with a reason.
                held_back=matching.held_back[:MORE_SUPPORTERS_MAX],
                override_form=override_form or OverrideForm(),
                suggestion_count=SUGGESTION_COUNT,
            )
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request: SignedInRequest, case_id: int) -> HttpResponse:
    return _case_page(request, case_id, reassign=request.GET.get("reassign") == "1")


@role_required(PROGRAM_STAFF, "Only the program's director and administrator assign supporters.")
@require_POST
def case_assign_view(request: SignedInRequest, case_id: int) -> HttpResponse:
    override = request.POST.get("override") == "1"
    form = OverrideForm(request.POST) if override else AssignForm(request.POST)
    reassign = request.POST.get("reassign") in ("on", "true", "1")
    if not form.is_valid():
        # Shown at the top of the page too, where the reloaded page opens.
        error = " ".join(str(message) for messages_ in form.errors.values() for message in messages_)
        return _case_page(request, case_id, reassign=reassign, error=error,
                          override_form=form if isinstance(form, OverrideForm) else None, status=InvalidInput.status)
    try:
        case = case_assign(
            actor=request.user,
            case_id=case_id,
            supporter_employee_id=form.employee_id(),
            override_reason=form.cleaned_data["override_reason"],
            reassign=form.cleaned_data["reassign"],
            expected_version=form.cleaned_data["version"],
        )
    except ServiceError as exc:
        return _case_page(request, case_id, reassign=reassign, error=exc.detail,
                          override_form=form if isinstance(form, OverrideForm) else None, status=exc.status)
    name = case.supporter.person.name if case.supporter is not None else ""
    messages.success(request, gettext("%(name)s is now this peer's supporter and has been sent the details.")
                     % {"name": name})
    return redirect("case", case.pk)
