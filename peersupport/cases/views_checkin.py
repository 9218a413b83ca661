"""The supporter's "I'd like a check-in" on their case, and the director marking it done."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.cases.models import CheckInReason
from peersupport.cases.services_checkin import case_check_in_done, case_request_check_in
from peersupport.cases.views import _case_page
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput, ServiceError


class CheckInForm(forms.Form):
    reason = forms.ChoiceField(choices=CheckInReason.choices, widget=forms.RadioSelect,
                               label=_("What is it about?"))


@role_required({Role.SUPPORTER}, "Only the case's supporter asks for a check-in on it.")
@require_POST
def check_in(request: SignedInRequest, case_id: int) -> HttpResponse:
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case_id, error=gettext("Choose what the check-in is about."),
                          status=InvalidInput.status)
    try:
        case_request_check_in(actor=request.user, case_id=case_id, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        return _case_page(request, case_id, error=exc.detail, status=exc.status)
    messages.success(request, gettext("The program director knows you would like a check-in and will be in touch. "
                              "Thank you for looking after yourself too."))
    return redirect(reverse("case", args=[case_id]) + "#check-in")


@role_required({Role.DIRECTOR}, "Only the program director marks a check-in done.")
@require_POST
def check_in_done(request: SignedInRequest, case_id: int) -> HttpResponse:
    try:
        case_check_in_done(actor=request.user, case_id=case_id)
    except ServiceError as exc:
        messages.error(request, exc.detail)
        return redirect("queue")
    messages.success(request, gettext("The check-in is marked done."))
    return redirect("queue")
