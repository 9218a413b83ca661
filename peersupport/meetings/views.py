"""The meeting pages (program staff), the RSVP page a supporter's link opens (public), and the
practice scenario library."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.meetings import selectors
from peersupport.meetings.access import meeting_for_user
from peersupport.meetings.dyads import ROUND_MINUTES, rounds_without_repeats
from peersupport.meetings.forms import AttendanceForm, MeetingForm, PlanForm, RsvpForm, ScenarioForm
from peersupport.meetings.links import read_rsvp_token
from peersupport.meetings.models import Invitation, Meeting, Scenario
from peersupport.meetings.services import (
    meeting_cancel,
    meeting_record_attendance,
    meeting_rsvp,
    meeting_schedule,
    meeting_update,
    scenario_create,
    scenario_set_retired,
    scenario_update,
)
from peersupport.referrals.models import Category
from peersupport.roster.models import RoleType
from peersupport.support.links import EXPIRED, TAMPERED, LinkRefused

STAFF = (Role.DIRECTOR, Role.ADMINISTRATOR)
staff_only = role_required(STAFF, gettext_lazy("Meetings are run by the program director and administrator."))
LINK_GONE = 410
LINK_BAD = 400
DEFAULT_ROUNDS = 4


@staff_only
@require_GET
def meeting_list(request: SignedInRequest) -> HttpResponse:
    past = selectors.past_meetings(request.user)
    return render(request, "meetings/list.html", {"upcoming": selectors.upcoming_meetings(request.user)[:50],
                                                  "past": past[:50]})


def _form_page(request: HttpRequest, form: MeetingForm, meeting: Meeting | None, status: int) -> HttpResponse:
    return render(request, "meetings/form.html", {"form": form, "meeting": meeting}, status=status)


@staff_only
@require_http_methods(["GET", "POST"])
def meeting_new(request: SignedInRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, MeetingForm(), None, 200)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = meeting_schedule(actor=request.user, data=form.to_input())
        except ServiceError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("The meeting is scheduled and the team is invited."))
            return redirect("meeting", meeting.pk)
    return _form_page(request, form, None, InvalidInput.status)


@staff_only
@require_GET
def meeting_detail(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, meeting_id)
    return render(request, "meetings/detail.html", {"meeting": meeting, "answers": selectors.rsvp_summary(meeting),
                                                    "over": meeting.is_over(),
                                                    "started": meeting.has_started()})


@staff_only
@require_http_methods(["GET", "POST"])
def meeting_edit(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, meeting_id)
    if request.method == "GET":
        return _form_page(request, MeetingForm.for_meeting(meeting), meeting, 200)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            updated = meeting_update(actor=request.user, meeting_id=meeting.pk, data=form.to_input())
        except ServiceError as exc:
            form.add_error(None, exc.detail)
            return _form_page(request, form, meeting, exc.status)
        if updated.sequence == meeting.sequence:
            messages.info(request, _("Nothing was changed, so nobody was written to."))
        else:
            messages.success(request, _("The meeting is changed; everyone invited is sent the new details for "
                                        "their calendar."))
        return redirect("meeting", meeting.pk)
    return _form_page(request, form, meeting, InvalidInput.status)


@staff_only
@require_POST
def meeting_cancel_view(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, meeting_id)
    try:
        meeting_cancel(actor=request.user, meeting_id=meeting.pk)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The meeting is cancelled; everyone invited has been told."))
    return redirect("meeting", meeting.pk)


@staff_only
@require_http_methods(["GET", "POST"])
def meeting_attendance(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, meeting_id)
    choices = selectors.attendance_choices(meeting)
    status = 200
    if request.method == "POST":
        form = AttendanceForm(request.POST, choices=choices)
        if form.is_valid():
            try:
                meeting_record_attendance(actor=request.user, meeting_id=meeting.pk,
                                          attended=set(form.cleaned_data["attended"]))
            except ServiceError as exc:
                form.add_error(None, exc.detail)
                status = exc.status
            else:
                messages.success(request, _("Attendance is recorded."))
                return redirect("meeting", meeting.pk)
        else:
            status = InvalidInput.status
    else:
        form = AttendanceForm(initial={"attended": selectors.attended_ids(meeting)}, choices=choices)
    return render(request, "meetings/attendance.html", {"meeting": meeting, "form": form}, status=status)


@staff_only
@require_GET
def meeting_practice(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    """The role-play plan, for the screen (with a round timer) and for print."""
    meeting = meeting_for_user(request.user, meeting_id)
    options = PlanForm(request.GET)
    wanted = options.cleaned_data if options.is_valid() else {}
    rounds = wanted.get("rounds") or DEFAULT_ROUNDS
    seed = wanted.get("seed")
    seed = meeting.pk if seed is None else seed
    plan = selectors.practice_plan(meeting, rounds=rounds, seed=seed)
    context = {"meeting": meeting, "plan": plan, "shown": plan.shown(), "rounds": rounds, "seed": seed,
               "next_seed": seed + 1, "round_minutes": ROUND_MINUTES,
               "fresh_rounds": rounds_without_repeats(len(plan.names))}
    return render(request, "meetings/practice.html", context)


def _link_refused(request: HttpRequest, problem: str) -> HttpResponse:
    status = LINK_BAD if problem == TAMPERED else LINK_GONE
    return render(request, "meetings/rsvp_refused.html", {"problem": problem}, status=status)


@require_http_methods(["GET", "POST"])
def rsvp(request: HttpRequest, token: str) -> HttpResponse:
    """A supporter's answer, from the link in their invitation; no sign-in."""
    try:
        link = read_rsvp_token(token)
    except LinkRefused as refused:
        return _link_refused(request, refused.problem)
    invitation = (Invitation.objects.select_related("meeting")
                  .filter(meeting_id=link.meeting_id, supporter_id=link.supporter_id).first())
    if invitation is None or invitation.meeting.cancelled:
        return _link_refused(request, "cancelled")
    if invitation.meeting.is_over():
        return _link_refused(request, EXPIRED)
    status = 200
    if request.method == "POST":
        form = RsvpForm(request.POST)
        if form.is_valid():
            try:
                meeting_rsvp(link=link, answer=form.cleaned_data["answer"])
            except ServiceError:
                return _link_refused(request, EXPIRED)
            return redirect(f"{request.path}?saved=1")
        status = InvalidInput.status
    else:
        form = RsvpForm(initial={"answer": invitation.answer or None})
    saved = request.method == "GET" and request.GET.get("saved") == "1" and bool(invitation.answer)
    return render(request, "meetings/rsvp.html", {"meeting": invitation.meeting, "form": form, "saved": saved,
                                                  "invitation": invitation}, status=status)


@staff_only
@require_GET
def scenario_list(request: SignedInRequest) -> HttpResponse:
    scenarios = list(Scenario.objects.order_by("retired", "category", "role_type", "title", "pk"))
    in_use = [s for s in scenarios if not s.retired]
    covered_categories = {s.category for s in in_use}
    covered_roles = {s.role_type for s in in_use}
    context = {
        "in_use": in_use,
        "retired": [s for s in scenarios if s.retired],
        "missing_categories": [label for value, label in Category.choices if value not in covered_categories],
        "missing_roles": [label for value, label in RoleType.choices if value not in covered_roles],
    }
    return render(request, "meetings/scenarios.html", context)


def _scenario_page(request: HttpRequest, form: ScenarioForm, scenario: Scenario | None, status: int) -> HttpResponse:
    return render(request, "meetings/scenario_form.html", {"form": form, "scenario": scenario}, status=status)


@staff_only
@require_http_methods(["GET", "POST"])
def scenario_new(request: SignedInRequest) -> HttpResponse:
    if request.method == "GET":
        return _scenario_page(request, ScenarioForm(), None, 200)
    form = ScenarioForm(request.POST)
    if form.is_valid():
        try:
            scenario_create(actor=request.user, data=form.to_input())
        except ServiceError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("The scenario is in the library."))
            return redirect("scenarios")
    return _scenario_page(request, form, None, InvalidInput.status)


@staff_only
@require_http_methods(["GET", "POST"])
def scenario_edit(request: SignedInRequest, scenario_id: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=scenario_id)
    if request.method == "GET":
        return _scenario_page(request, ScenarioForm.for_scenario(scenario), scenario, 200)
    form = ScenarioForm(request.POST)
    if form.is_valid():
        try:
            scenario_update(actor=request.user, scenario_id=scenario.pk, data=form.to_input())
        except ServiceError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("The scenario is updated."))
            return redirect("scenarios")
    return _scenario_page(request, form, scenario, InvalidInput.status)


@staff_only
@require_POST
def scenario_retire(request: SignedInRequest, scenario_id: int, retired: bool) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=scenario_id)
    scenario_set_retired(actor=request.user, scenario_id=scenario.pk, retired=retired)
    messages.success(request, _("The scenario is retired.") if retired else _("The scenario is back in use."))
    return redirect("scenarios")
