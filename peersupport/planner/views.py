from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.front.decorators import require_role, role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.planner.forms import AssumptionsForm, ChoiceForm
from peersupport.planner.models import PlannerSettings
from peersupport.planner.selectors import CHOICES, Choice, planning, role_label, sites
from peersupport.planner.services import planner_settings_update
from peersupport.program.models import ProgramSettings

PLANNERS = {Role.DIRECTOR, Role.LEADER}
# Long lists are cut here, with the number left over said below them.
MAX_GAPS = 30


def served_now(program_id: int) -> str:
    """The smallest choice that covers whom the program serves today: the page starts there."""
    served = set(ProgramSettings.for_program(program_id).served_role_types)
    return next((key for key, (_, roles) in CHOICES.items() if served <= set(roles)), "care_team")


@role_required(PLANNERS, gettext_lazy("Only the program director and leadership use the planner."))
@require_GET
def planner(request: SignedInRequest) -> HttpResponse:
    """The load each choice of whom to serve brings, for the user's own program (its people, its
    history, its team). The director also sees where the team falls
    short and which departments to ask for nurse supporters (whom to approach is the director's
    work; leadership sees the program's figures, not its team member by member)."""
    program_id = request.user.program_pk
    form = ChoiceForm(request.GET or None, sites=sites(program_id), default_serve=served_now(program_id))
    if form.is_bound and not form.is_valid():
        return render(request, "planner/planner.html", {"form": form}, status=400)
    choice = form.choice() if form.is_bound else Choice(serve=form.default_serve, site="")
    director = request.user.role == Role.DIRECTOR
    result = planning(choice, program_id=program_id, with_team_detail=director)
    lines = [(role_label(line.role), line) for line in result.plan.lines]
    threshold = ProgramSettings.for_program(program_id).small_count_threshold
    # The team's size is shown to leadership as the team's composition shows it: not when small.
    team_exact = director or result.plan.supporters_now >= threshold
    team_now = str(result.plan.supporters_now) if team_exact else f"<{threshold}"
    return render(request, "planner/planner.html", {
        "form": form, "planning": result, "plan": result.plan, "lines": lines, "director": director,
        "gaps": result.gaps[:MAX_GAPS], "gaps_left": max(0, len(result.gaps) - MAX_GAPS),
        "threshold": threshold, "team_now": team_now, "team_exact": team_exact,
    })


@role_required(PLANNERS, gettext_lazy("Only the program director and leadership use the planner."))
@require_http_methods(["GET", "POST"])
def assumptions(request: SignedInRequest) -> HttpResponse:
    """The program's planner assumptions: its director sets them, its leadership reads them."""
    settings = PlannerSettings.for_program(request.user.program_pk)
    may_edit = request.user.role == Role.DIRECTOR
    status = 200
    if request.method == "POST":
        require_role(request.user, {Role.DIRECTOR}, _("Only the program director changes the planner's assumptions."))
        form = AssumptionsForm(request.POST, settings=settings)
        if form.is_valid():
            try:
                planner_settings_update(actor=request.user, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, _("The planner's assumptions are saved."))
                return redirect("planner")
        status = InvalidInput.status
    else:
        form = AssumptionsForm(settings=settings, read_only=not may_edit)
    return render(request, "planner/assumptions.html", {"form": form, "may_edit": may_edit}, status=status)
