"""The supporter's actions on a case page, the printable sheet and the conversation guide.

Each action view: a form for the shape of the input, one service call (which passes the case
through `case_for_user` and checks its state), then a redirect with a message. Bad input or a
refused action re-renders the case page with the service's words and nothing changed.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.cases import actions
from peersupport.cases.access import CASE_ACTOR_ROLES, CASE_ROLES, case_for_user, is_case_supporter
from peersupport.cases.forms import (
    EncounterForm,
    HandBackForm,
    OutreachForm,
    ResourceShareForm,
    ResponseForm,
    SheetForm,
)
from peersupport.cases.guide import GUIDE
from peersupport.cases.models import Case, CaseState, OutreachChannel, Response
from peersupport.cases.supporter_page import ACTION_STATES, USUAL_ENCOUNTERS, may_act
from peersupport.cases.views import _case_page
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.notifications.emails import first_name
from peersupport.resources.models import Resource
from peersupport.resources.selectors import active_resources, crisis_resources, group_by_category
from peersupport.support.pages import program_ask_url

case_reader = role_required(CASE_ROLES, "Your role does not act on cases.")
# The administrator reads cases; acting on one is the supporter's and the director's.
case_action = role_required(CASE_ACTOR_ROLES, "Only the case's supporter, or the director, acts on a case.")

ENCOURAGEMENT = {
    CaseState.DECLINED: gettext_lazy(
        "Thank you for reaching out. A decline is not a failure: your message itself was support, "
        "and %(name)s knows a colleague thought of them."
    ),
    CaseState.UNREACHABLE: gettext_lazy(
        "Not hearing back is common, and your messages still mattered: %(name)s knows a colleague "
        "thought of them."
    ),
}


def _form_error(form: Form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def _act(
    request: SignedInRequest,
    case_id: int,
    form: Form,
    do: Callable[[], str],
    *,
    anchor: str = "",
    encounter_form: EncounterForm | None = None,
) -> HttpResponse:
    """Validate, call the service, redirect with its message; or show why nothing happened."""
    if not form.is_valid():
        return _case_page(request, case_id, error=_form_error(form), encounter_form=encounter_form,
                          status=InvalidInput.status)
    try:
        message = do()
    except ServiceError as exc:
        return _case_page(request, case_id, error=exc.detail, encounter_form=encounter_form,
                          status=exc.status)
    messages.success(request, message)
    return redirect(reverse("case", args=[case_id]) + (f"#{anchor}" if anchor else ""))


def _after_contact(case: Case) -> str:
    """What to tell the supporter once an attempt or an answer is recorded."""
    name = first_name(case.unpurged_peer.name)
    if case.state == CaseState.UNREACHABLE:
        return " ".join([ENCOURAGEMENT[CaseState.UNREACHABLE] % {"name": name}, gettext(
            "The program has marked them unreachable and sent them the resources and an open invitation.")])
    if case.state == CaseState.DECLINED:
        minutes = actions.UNDO_WINDOW.seconds // 60
        return " ".join([ENCOURAGEMENT[CaseState.DECLINED] % {"name": name}, ngettext(
            "In %(minutes)s minute the program will send them the resources and an open invitation; "
            "tapped by mistake? Undo it on this page until then.",
            "In %(minutes)s minutes the program will send them the resources and an open invitation; "
            "tapped by mistake? Undo it on this page until then.", minutes) % {"minutes": minutes}])
    if case.state == CaseState.ACCEPTED:
        return gettext("%(name)s would like to talk. The conversation guide is there whenever you need it.") % {
            "name": name}
    return ""


@case_action
@require_POST
def outreach(request: SignedInRequest, case_id: int) -> HttpResponse:
    form = OutreachForm(request.POST)

    def do() -> str:
        channel, send_email = form.cleaned_data["channel"], form.cleaned_data["send_email"]
        case = actions.case_record_outreach(actor=request.user, case_id=case_id, channel=channel,
                                            send_email=send_email)
        if send_email:
            said = gettext("Your message is on its way from the program; replies will come to you.")
        else:
            said = gettext("Recorded: %(channel)s. Now give them a little time.") % {
                "channel": str(OutreachChannel(channel).label).lower()}
        return " ".join(filter(None, [said, _after_contact(case)]))

    return _act(request, case_id, form, do)


@case_action
@require_POST
def response(request: SignedInRequest, case_id: int) -> HttpResponse:
    form = ResponseForm(request.POST)

    def do() -> str:
        answer = form.cleaned_data["response"]
        case = actions.case_record_response(actor=request.user, case_id=case_id, response=answer)
        if answer == Response.NO_RESPONSE and case.state == CaseState.OUTREACH_MADE:
            return gettext("Recorded. Try again in a day or two, perhaps another way.")
        return _after_contact(case)

    return _act(request, case_id, form, do)


@case_action
@require_POST
def encounter(request: SignedInRequest, case_id: int) -> HttpResponse:
    form = EncounterForm(request.POST, today=timezone.localdate())

    def do() -> str:
        record = actions.case_record_encounter(actor=request.user, case_id=case_id, data=form.to_input())
        said = gettext("Recorded that you talked: when, how long, how, and the topics. Never what was said.")
        if record.case.encounters.count() >= USUAL_ENCOUNTERS:
            said += " " + gettext("Two conversations is usual; see the note below.")
        return said

    return _act(request, case_id, form, do, anchor="encounters", encounter_form=form)


@case_action
@require_POST
def resource(request: SignedInRequest, case_id: int) -> HttpResponse:
    form = ResourceShareForm(request.POST)

    def do() -> str:
        share = actions.case_record_resource(actor=request.user, case_id=case_id,
                                             resource_id=form.cleaned_data["resource"],
                                             facilitated=form.cleaned_data["facilitated"])
        if share.facilitated:
            return gettext("Recorded that you connected them with %(resource)s. A warm hand-off makes a "
                           "difference.") % {"resource": share.resource.name}
        return gettext("Recorded that you shared %(resource)s.") % {"resource": share.resource.name}

    return _act(request, case_id, form, do, anchor="resources")


def _sheet_form(request: SignedInRequest) -> SheetForm:
    # Any resource still offered; whether it is the case's program's is the action's to say.
    posted = _resource_ids(request.POST.getlist("resource"))
    return SheetForm(request.POST, resource_ids=list(
        Resource.objects.filter(pk__in=posted, active=True).values_list("pk", flat=True)))


@case_action
@require_POST
def sheet_send(request: SignedInRequest, case_id: int) -> HttpResponse:
    form = _sheet_form(request)

    def do() -> str:
        actions.case_send_information_sheet(actor=request.user, case_id=case_id,
                                            resource_ids=form.cleaned_data["resource"])
        return gettext("The information sheet is on its way by email, with replies coming to you.")

    return _act(request, case_id, form, do, anchor="resources")


def _resource_ids(values: list[str]) -> list[int]:
    # ASCII digits only: "²" and "٣" are digits to str.isdigit(), and "²" is no number to int().
    return [int(value) for value in values if value.isascii() and value.isdigit() and len(value) < 10]


@case_reader
@require_http_methods(["GET", "POST"])
def sheet(request: SignedInRequest, case_id: int) -> HttpResponse:
    """A clean, printable sheet: resources and the way back to the program. No peer, no event."""
    case = case_for_user(request.user, case_id, action="case.sheet_view")
    if request.method == "POST":
        # The case page's "Print" button posts the chosen resources; show them at a plain address.
        chosen = [str(pk) for pk in _resource_ids(request.POST.getlist("resource"))]
        url = reverse("case-sheet", args=[case_id])
        return redirect(f"{url}?{urlencode({'resource': chosen}, doseq=True)}" if chosen else url)
    # The peer's own hospital's resources, and its public page to come back to.
    resources = active_resources(case.program_id)
    chosen_ids = set(_resource_ids(request.GET.getlist("resource")))
    if chosen_ids:
        resources = [r for r in resources if r.pk in chosen_ids]
    return render(request, "cases/sheet.html", {
        "groups": group_by_category(resources),
        "invitation_url": program_ask_url(case.program_id),
        "case_id": case_id,
    })


@case_action
@require_POST
def close(request: SignedInRequest, case_id: int) -> HttpResponse:
    def do() -> str:
        actions.case_close(actor=request.user, case_id=case_id)
        return gettext("The case is closed. Thank you for being there for a colleague.")

    return _act(request, case_id, Form({}), do)


@case_action
@require_http_methods(["GET", "POST"])
def safety(request: SignedInRequest, case_id: int) -> HttpResponse:
    """Someone's safety is at risk: a page that says what happens next asks to confirm, then the
    director is told. A post without the confirmation only shows that page."""
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        def do() -> str:
            actions.case_raise_safety_escalation(actor=request.user, case_id=case_id)
            return gettext("The director has been told and will contact you. If anyone is in danger right now, "
                           "call emergency services. The crisis lines are at the top of this page.")

        return _act(request, case_id, Form({}), do, anchor="main")
    case = case_for_user(request.user, case_id)
    if not may_act(request.user, case):
        raise PermissionDenied(gettext("Only the case's supporter, or the director, raises a safety concern on it."))
    status, error, unconfirmed = 200, "", request.method == "POST"
    if case.state not in ACTION_STATES["safety"]:
        status, error = 409, gettext("A safety concern can be raised only on a case that is still open.")
    elif unconfirmed:
        # Sent without the confirmation: nothing is raised; the page asks again.
        status = InvalidInput.status
    return render(request, "cases/safety_confirm.html",
                  {"case": case, "error": error, "unconfirmed": unconfirmed,
                   "crisis_resources": crisis_resources(case.program_id)},
                  status=status)


@case_action
@require_POST
def response_undo(request: SignedInRequest, case_id: int) -> HttpResponse:
    """Take back a "No, thank you" tapped a moment ago by mistake."""
    def do() -> str:
        actions.case_undo_response(actor=request.user, case_id=case_id)
        return gettext("Undone: the case is waiting for the peer's answer again, and no invitation was sent.")

    return _act(request, case_id, Form({}), do, anchor="response")


@role_required({Role.SUPPORTER}, "Only the case's supporter can hand it back; the director reassigns instead.")
@require_http_methods(["GET", "POST"])
def hand_back(request: SignedInRequest, case_id: int) -> HttpResponse:
    """The supporter declines the assignment, after a confirmation of what that means."""
    case = case_for_user(request.user, case_id)
    if not is_case_supporter(request.user, case):
        raise PermissionDenied(gettext("Only the case's supporter can hand it back; the director reassigns instead."))
    status, error = 200, ""
    # Bound on every POST, an empty one too: it must answer "choose a reason", not a bare 422.
    form = HandBackForm(request.POST if request.method == "POST" else None)
    if case.state not in ACTION_STATES["hand_back"]:
        status, error = 409, "This case can be handed back only before the peer has answered."
    elif request.method == "POST":
        if form.is_valid():
            try:
                actions.case_hand_back(actor=request.user, case_id=case_id, reason=form.cleaned_data["reason"])
            except ServiceError as exc:
                status, error = exc.status, exc.detail
            else:
                messages.success(request, gettext("Handed back. The director will find another supporter. "
                                          "Thank you for saying so early; it helps the peer most."))
                return redirect("my-cases")
        else:
            status, error = InvalidInput.status, _form_error(form)
    return render(request, "cases/hand_back.html",
                  {"case": case, "form": form, "error": error, "can_hand_back": status != 409},
                  status=status)


@role_required(CASE_ROLES, "The conversation guide is for the program's team.")
@require_GET
def guide(request: SignedInRequest) -> HttpResponse:
    return render(request, "cases/guide.html",
                  {"guide": GUIDE, "crisis_resources": crisis_resources(request.user.program_pk)})

