"""The director records that a peer would rather have a supporter from outside their hospital."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.cases.services import case_set_outside_wish
from peersupport.cases.views import _case_page
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput, ServiceError


class OutsideWishForm(forms.Form):
    outside = forms.ChoiceField(choices=[("on", "on"), ("off", "off")])


@role_required({Role.DIRECTOR}, gettext_lazy("Only the program director changes whom a case's suggestions draw from."))
@require_POST
def outside_wish(request: SignedInRequest, case_id: int) -> HttpResponse:
    form = OutsideWishForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case_id, error=_("Choose whether to look for a supporter outside the hospital."),
                          status=InvalidInput.status)
    wanted = form.cleaned_data["outside"] == "on"
    try:
        case_set_outside_wish(actor=request.user, case_id=case_id, wanted=wanted)
    except ServiceError as exc:
        return _case_page(request, case_id, error=exc.detail, status=exc.status)
    messages.success(request, _("The other hospitals' shared supporters are now suggested for this case.") if wanted
                     else _("This case is now suggested this program's supporters only."))
    return redirect("case", case_id)
