"""The administrator's emergency access page: a case number they were given, a reason from the
list, and a confirmation that no director could be reached. The grant and its refusals are the
service's (`cases/break_glass.py`); this page only asks and answers."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.cases.access import administrators_see_cases, live_grants
from peersupport.cases.break_glass import AlreadyGranted, case_break_glass, case_break_glass_end
from peersupport.cases.models import BreakGlassGrant, BreakGlassReason
from peersupport.cases.views import _case_page
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.program.models import ProgramSettings


class BreakGlassForm(forms.Form):
    case_number = forms.CharField(
        label=_("Case number"), max_length=20,
        help_text=_("From the message you were given (a safety alert, the director's message), e.g. 1234."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reason = forms.ChoiceField(label=_("Why you need to open it now"), choices=BreakGlassReason.choices,
                               widget=forms.RadioSelect)
    no_director = forms.BooleanField(
        label=_("I tried to reach the program director (and their deputy), and could not."),
        error_messages={"required": _("Emergency access is only for when no director can be reached.")},
    )


@role_required({Role.ADMINISTRATOR}, "Only the program administrator opens a case with emergency access.")
@require_http_methods(["GET", "POST"])
def break_glass(request: SignedInRequest) -> HttpResponse:
    status = 200
    already: BreakGlassGrant | None = None
    form = BreakGlassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                grant = case_break_glass(actor=request.user, case_id=form.cleaned_data["case_number"],
                                         reason=form.cleaned_data["reason"])
            except AlreadyGranted as exc:
                already, status = exc.grant, exc.status
            except ServiceError as exc:
                form.add_error(None, exc.detail)
                status = exc.status
            else:
                until = timezone.localtime(grant.expires_at)
                messages.warning(request, gettext("You have emergency access to this case until %(until)s. "
                                                  "The directors have been told.") % {"until": f"{until:%H:%M}"})
                return redirect("case", grant.case_id)
        else:
            status = InvalidInput.status
    return render(request, "cases/break_glass.html", {
        "form": form, "already": already, "grants": live_grants(request.user),
        "allowed": administrators_see_cases(request.user),
        "hours": ProgramSettings.for_program(request.user.program_id).break_glass_hours,
    }, status=status)


@role_required({Role.DIRECTOR}, "Only a program director ends an emergency access early.")
@require_POST
def break_glass_end(request: SignedInRequest, case_id: int) -> HttpResponse:
    try:
        case_break_glass_end(actor=request.user, case_id=case_id)
    except ServiceError as exc:
        return _case_page(request, case_id, error=exc.detail, status=exc.status)
    messages.success(request, gettext("The emergency access to this case has ended."))
    return redirect("case", case_id)
