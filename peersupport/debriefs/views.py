"""The group debrief pages (program staff, and a session's facilitators through the gate), and the
public page the follow-up email's personal link opens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peersupport.accounts.models import PROGRAM_STAFF
from peersupport.accounts.requests import SignedInRequest
from peersupport.audit.services import audit_record_many
from peersupport.debriefs import selectors
from peersupport.debriefs.access import debrief_for_user, debriefs_for_user, may_open_debriefs
from peersupport.debriefs.forms import DebriefForm, InviteesForm, PeopleFilterForm, RecordForm, TimePlaceForm
from peersupport.debriefs.links import read_follow_up_token
from peersupport.debriefs.models import DebriefSession
from peersupport.debriefs.services import (
    debrief_cancel,
    debrief_change_invitees,
    debrief_change_time_place,
    debrief_open,
)
from peersupport.debriefs.services_record import (
    UNAVAILABLE,
    debrief_record,
    debrief_send_follow_up,
    debrief_support_request,
    follow_up_link_open,
    topic_labels,
)
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.program.models import Program
from peersupport.support.links import LinkRefused
from peersupport.support.pages import program_url, public_crisis

staff_only = role_required(PROGRAM_STAFF, "Group debriefs are run by the program director and administrator.")
LINK_GONE = 410


@staff_only
@require_GET
def debrief_list(request: SignedInRequest) -> HttpResponse:
    sessions = debriefs_for_user(request.user)
    upcoming, past = selectors.upcoming(sessions), selectors.past(sessions)
    shown = [s.pk for s in upcoming + past]
    if shown:
        audit_record_many(actor=request.user, action="debrief.list", object_type="debriefsession", object_ids=shown)
    return render(request, "debriefs/list.html", {"upcoming": upcoming, "past": past,
                                                  "may_open": may_open_debriefs(request.user)})


def _form_page(request: SignedInRequest, form: DebriefForm, status: int) -> HttpResponse:
    program_id = request.user.program_id
    return render(request, "debriefs/form.html", {"form": form, "departments": selectors.departments(program_id),
                                                  "facilitators": selectors.facilitator_choices(program_id)},
                  status=status)


@staff_only
@require_http_methods(["GET", "POST"])
def debrief_new(request: SignedInRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, DebriefForm(initial={"referral": request.GET.get("referral") or None}), 200)
    form = DebriefForm(request.POST)
    status = InvalidInput.status
    if form.is_valid():
        try:
            session = debrief_open(actor=request.user, data=form.to_debrief_input())
        except ServiceError as exc:
            form.add_error(None, exc.detail)
            status = exc.status
        else:
            messages.success(request, _("The group debrief is open and its facilitators are invited. Now choose "
                                        "whom to invite."))
            return redirect("debrief-invitees", session.pk)
    return _form_page(request, form, status)


@login_required
@require_GET
def debrief_detail(request: SignedInRequest, debrief_id: int) -> HttpResponse:
    session = debrief_for_user(request.user, debrief_id)
    context = {"session": _with_facilitators(session), "manager": request.user.role in PROGRAM_STAFF,
               "page_obj": selectors.invitee_page(session, request.GET.get("page")),
               "invited": selectors.invitee_count(session), "topics": topic_labels(session.topics),
               "resources": list(session.resources.order_by("name")), "over": session.is_over(),
               "started": session.has_started()}
    return render(request, "debriefs/detail.html", context)


def _with_facilitators(session: DebriefSession) -> DebriefSession:
    # The gate read the session alone; its two facilitators' names, in one query.
    return DebriefSession.objects.select_related("facilitator_one__person", "facilitator_two__person").get(
        pk=session.pk)


@staff_only
@require_http_methods(["GET", "POST"])
def debrief_edit(request: SignedInRequest, debrief_id: int) -> HttpResponse:
    session = debrief_for_user(request.user, debrief_id)
    status = 200
    if request.method == "GET":
        form = TimePlaceForm.for_session(session)
    else:
        form = TimePlaceForm(request.POST)
        status = InvalidInput.status
        if form.is_valid():
            try:
                updated = debrief_change_time_place(actor=request.user, session_id=session.pk, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
                status = exc.status
            else:
                if updated.sequence == session.sequence:
                    messages.info(request, _("Nothing was changed, so nobody was written to."))
                else:
                    messages.success(request, _("The session is changed; everyone invited is sent the new details "
                                                "for their calendar."))
                return redirect("debrief", session.pk)
    return render(request, "debriefs/edit.html", {"session": session, "form": form}, status=status)


@staff_only
@require_http_methods(["GET", "POST"])
def debrief_invitees(request: SignedInRequest, debrief_id: int) -> HttpResponse:
    session = debrief_for_user(request.user, debrief_id)
    status = 200
    error = ""
    if request.method == "POST":
        form = InviteesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            ticked = set(data["invited"])
            # "Everyone in the department" adds; the page's ticks wait for the next save.
            by_department = bool(data["everyone_in"].strip())
            try:
                change = debrief_change_invitees(
                    actor=request.user, session_id=session.pk, add=() if by_department else ticked,
                    remove=() if by_department else set(data["shown"]) - ticked, department=data["everyone_in"])
            except ServiceError as exc:
                error, status = exc.detail, exc.status
            else:
                added = ngettext("%(n)s person invited", "%(n)s people invited", change.added) % {"n": change.added}
                removed = ngettext("%(n)s taken off the list", "%(n)s taken off the list",
                                   change.removed) % {"n": change.removed}
                messages.success(request, _("%(added)s, %(removed)s.") % {"added": added, "removed": removed})
                return redirect(request.get_full_path())
        else:
            error = " ".join(str(m) for errors in form.errors.values() for m in errors)
            status = InvalidInput.status
    filters = PeopleFilterForm(request.GET)
    wanted = filters.cleaned_data if filters.is_valid() else {"q": "", "department": ""}
    department = wanted["department"].strip()
    page, invited = selectors.people_page(session, q=wanted["q"], department=department,
                                          page=request.GET.get("page"))
    context = {"session": session, "filters": filters, "page_obj": page, "invited": invited, "error": error,
               "department": department, "departments": selectors.departments(session.program_id),
               "count": selectors.invitee_count(session)}
    return render(request, "debriefs/invitees.html", context, status=status)


@staff_only
@require_POST
def debrief_cancel_view(request: SignedInRequest, debrief_id: int) -> HttpResponse:
    session = debrief_for_user(request.user, debrief_id)
    try:
        debrief_cancel(actor=request.user, session_id=session.pk)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The session is cancelled; everyone invited has been told."))
    return redirect("debrief", session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def debrief_record_view(request: SignedInRequest, debrief_id: int) -> HttpResponse:
    session = debrief_for_user(request.user, debrief_id)
    resources = selectors.resource_choices(session.program_id)
    status = 200
    if request.method == "GET":
        form = RecordForm.for_session(session, resources)
    else:
        form = RecordForm(request.POST, resources=resources)
        status = InvalidInput.status
        if form.is_valid():
            try:
                debrief_record(actor=request.user, session_id=session.pk, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
                status = exc.status
            else:
                messages.success(request, _("The session is recorded."))
                return redirect("debrief", session.pk)
    return render(request, "debriefs/record.html", {"session": session, "form": form}, status=status)


@staff_only
@require_POST
def debrief_follow_up(request: SignedInRequest, debrief_id: int) -> HttpResponse:
    session = debrief_for_user(request.user, debrief_id)
    try:
        sent = debrief_send_follow_up(actor=request.user, session_id=session.pk)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, ngettext("The follow-up email is on its way to %(n)s person.",
                                           "The follow-up email is on its way to %(n)s people.", sent) % {"n": sent})
    return redirect("debrief", session.pk)


def _session_program(session_id: int) -> Program | None:
    return Program.objects.filter(pk__in=DebriefSession.objects.filter(pk=session_id).values("program_id")).first()


def _refused(request: HttpRequest, problem: str) -> HttpResponse:
    return render(request, "support/link_refused.html", {"problem": problem, **public_crisis()},
                  status=LINK_GONE)


@require_http_methods(["GET", "POST"])
def support_request(request: HttpRequest, token: str) -> HttpResponse:
    """The follow-up link: one confirmed press asks for one-to-one support. A GET only asks to
    confirm (mail scanners open links; people press buttons)."""
    try:
        link = read_follow_up_token(token)
        if request.method == "POST":
            debrief_support_request(link=link)
            # The thanks page of the session's program: its crisis lines.
            return redirect(program_url("-thanks", _session_program(link.session_id)))
        follow_up_link_open(link)
    except LinkRefused as refused:
        return _refused(request, refused.problem)
    except ServiceError:
        return _refused(request, UNAVAILABLE)
    return render(request, "debriefs/support.html", public_crisis(_session_program(link.session_id)))
