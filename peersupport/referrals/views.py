from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from peersupport.accounts.requests import SignedInRequest
from peersupport.cases.access import cases_for_user
from peersupport.cases.services import referral_apply_plan, referral_plan
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.referrals.access import referral_for_user, require_may_refer
from peersupport.referrals.forms import (
    SUMMARY_WARNING,
    EventFields,
    ReferralForm,
    SelfReferralForm,
    default_source,
    new_idempotency_key,
)
from peersupport.referrals.models import Referral
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.roster.models import Person, Supporter, SupporterStatus


def _create(request: SignedInRequest, form: EventFields, data: ReferralInput) -> Referral | None:
    """Run the service; its refusal becomes a message on the form, and nothing changes."""
    try:
        referral, _ = referral_create(
            referred_by=request.user, data=data, idempotency_key=form.cleaned_data["key"] or None
        )
    except ServiceError as exc:
        form.add_error(None, exc.detail)
        return None
    return referral


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: SignedInRequest) -> HttpResponse:
    require_may_refer(request.user)
    status = 200
    if request.method == "POST":
        form = ReferralForm(request.POST)
        if form.is_valid() and (referral := _create(request, form, form.to_input())):
            return redirect("referral-receipt", referral.pk)
        status = InvalidInput.status
    else:
        form = ReferralForm(initial={"source": default_source(request.user), "key": new_idempotency_key()})
    chosen = [e for e in request.POST.getlist("involved") if "\x00" not in e] if form.is_bound else []
    people = {p.employee_id: p for p in Person.objects.filter(employee_id__in=chosen[:500])
              .only("employee_id", "name", "department")}
    chips = [people[e] for e in dict.fromkeys(chosen) if e in people]
    return render(request, "referrals/new.html",
                  {"form": form, "chips": chips, "summary_warning": SUMMARY_WARNING}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def support_ask(request: SignedInRequest) -> HttpResponse:
    if not request.user.person_id:
        raise PermissionDenied(
            "Your login is not linked to your entry on the staff roster, so we cannot take a request "
            "for you here. Please contact the program office, who will gladly help."
        )
    status = 200
    if request.method == "POST":
        form = SelfReferralForm(request.POST)
        if form.is_valid() and (referral := _create(request, form, form.to_input(request.user))):
            return redirect("referral-receipt", referral.pk)
        status = InvalidInput.status
    else:
        form = SelfReferralForm(initial={"key": new_idempotency_key()})
    # Specialties the team can offer (a few hundred at most), not the whole roster's.
    specialties = (
        Supporter.objects.filter(status=SupporterStatus.ACTIVE)
        .exclude(person__specialty="")
        .values_list("person__specialty", flat=True)
        .distinct()
        .order_by("person__specialty")[:300]
    )
    return render(request, "referrals/ask.html",
                  {"form": form, "specialties": specialties, "summary_warning": SUMMARY_WARNING},
                  status=status)


@login_required
@require_GET
def referral_receipt(request: SignedInRequest, referral_id: int) -> HttpResponse:
    """What the referrer may know: that it arrived. Nothing here changes with what happens next."""
    referral = referral_for_user(request.user, referral_id)
    return render(request, "referrals/receipt.html", {"referral": referral})


@login_required
@require_http_methods(["GET", "POST"])
def referral_plan_page(request: SignedInRequest, referral_id: int) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        try:
            assigned = referral_apply_plan(actor=request.user, referral_id=referral_id)
        except ServiceError as exc:
            error, status = exc.detail, exc.status
        else:
            messages.success(request, f"The plan is applied: {len(assigned)} supporters assigned and notified.")
            return redirect("queue")
    referral, proposal = referral_plan(actor=request.user, referral_id=referral_id)
    cases = (
        cases_for_user(request.user).filter(referral=referral).awaiting_assignment()
        .select_related("peer").order_by("pk")
    )
    rows = [{"case": case, "suggestion": proposal.get(case.pk)} for case in cases]
    return render(request, "referrals/plan.html",
                  {"referral": referral, "rows": rows, "has_plan": bool(proposal), "error": error},
                  status=status)
