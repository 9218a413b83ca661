"""The director's legal hold on a case: the retention purge leaves a held case untouched."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.cases.retention import case_set_legal_hold
from peersupport.cases.views import _case_page
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput, ServiceError


class LegalHoldForm(forms.Form):
    legal_hold = forms.ChoiceField(choices=[("on", _("Place a legal hold")), ("off", _("Lift the legal hold"))])


@role_required({Role.DIRECTOR}, "Only the program director places or lifts a legal hold.")
@require_POST
def legal_hold(request: SignedInRequest, case_id: int) -> HttpResponse:
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case_id, error=gettext("Choose whether to place or lift the legal hold."),
                          status=InvalidInput.status)
    hold = form.cleaned_data["legal_hold"] == "on"
    try:
        case_set_legal_hold(actor=request.user, case_id=case_id, hold=hold)
    except ServiceError as exc:
        return _case_page(request, case_id, error=exc.detail, status=exc.status)
    messages.success(request, gettext("Legal hold placed: this case will be kept past the retention period until "
                                      "you lift it.") if hold
                     else gettext("Legal hold lifted: the case follows the retention period again."))
    return redirect("case", case_id)
