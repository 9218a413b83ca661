from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from peersupport.accounts.requests import SignedInRequest
from peersupport.audit.services import audit_record_many
from peersupport.cases.access import cases_for_user
from peersupport.cases.models import Case
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
from peersupport.referrals.models import Referral, Source
from peersupport.referrals.services import ReferralInput, ReferralRefused, referral_create
from peersupport.roster.models import Person
from peersupport.support.selectors import is_own_request


def _create(request: SignedInRequest, form: EventFields, data: ReferralInput) -> Referral | None:
    """Run the service; its refusal becomes a message on the form, and nothing changes."""
    try:
        referral, _ = referral_create(
            referred_by=request.user, data=data, idempotency_key=form.cleaned_data["key"] or None
        )
    except ReferralRefused as exc:
        form.add_problems(exc.problems)
        return None
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
    # Only whom the type-ahead itself would show (active, in a served role): a redrawn form must
    # not tell who else is on the roster.
    referable = Person.objects.referable_in_their_program()
    people = {p.employee_id: p for p in referable.filter(employee_id__in=chosen[:500])
              .only("employee_id", "name", "department")}
    chips = [people[e] for e in dict.fromkeys(chosen) if e in people]
    return render(request, "referrals/new.html",
                  {"form": form, "chips": chips, "summary_warning": SUMMARY_WARNING}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def support_ask(request: SignedInRequest, source: str = Source.SELF) -> HttpResponse:
    """Asking for support for oneself, signed in (the public path is peersupport.support.views.ask)."""
    if not request.user.person_id:
        raise PermissionDenied(_(
            "Your login is not linked to your entry on the staff roster, so we cannot take a request "
            "for you here. Please contact the program office, who will gladly help."
        ))
    status = 200
    if request.method == "POST":
        form = SelfReferralForm(request.POST)
        if form.is_valid() and (
            referral := _create(request, form, replace(form.to_input(request.user), source=source))
        ):
            return redirect("referral-receipt", referral.pk)
        status = InvalidInput.status
    else:
        form = SelfReferralForm(initial={"key": new_idempotency_key()})
    action = reverse("support-ask") + (f"?source={source}" if source != Source.SELF else "")
    return render_self_referral(request, form, action=action, status=status)


def render_self_referral(request: HttpRequest, form: SelfReferralForm, *, action: str, status: int) -> HttpResponse:
    """The self-referral form, signed in or through a personal link (`action`: where it is sent)."""
    return render(request, "referrals/ask.html",
                  {"form": form, "summary_warning": SUMMARY_WARNING, "action": action}, status=status)


@login_required
@require_GET
def referral_receipt(request: SignedInRequest, referral_id: int) -> HttpResponse:
    """What the referrer may know: that it arrived. Nothing here changes with what happens next."""
    referral = referral_for_user(request.user, referral_id)
    # Asking for oneself: the receipt speaks to the person. Any other referral keeps the one
    # receipt every referrer gets (it depends on nothing that happens after).
    return render(request, "referrals/receipt.html",
                  {"referral": referral, "own_request": is_own_request(request.user, referral)})


def _plan_applied(assigned: list[Case], still_waiting: int) -> str:
    """What applying the plan did, counted exactly: peers, and the distinct supporters they went to."""
    peers, supporters = len(assigned), len({case.supporter_id for case in assigned})
    assigned_peers = ngettext("%(count)s peer", "%(count)s peers", peers) % {"count": peers}
    if supporters > 1:
        said = _("The plan is applied: %(peers)s assigned to %(count)s supporters, and each supporter was "
                 "notified.") % {"peers": assigned_peers, "count": supporters}
    else:
        said = ngettext("The plan is applied: %(peers)s assigned to %(count)s supporter, and the supporter was "
                        "notified.", "The plan is applied: %(peers)s assigned to %(count)s supporters, and the "
                        "supporter was notified.", supporters) % {"peers": assigned_peers, "count": supporters}
    if still_waiting:
        said += " " + ngettext("%(count)s still needs a supporter: assign them from their case pages.",
                               "%(count)s still need a supporter: assign them from their case pages.",
                               still_waiting) % {"count": still_waiting}
    return said


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
            waiting = cases_for_user(request.user).filter(referral_id=referral_id).awaiting_assignment().count()
            messages.success(request, _plan_applied(assigned, waiting))
            return redirect("queue")
    referral, proposal = referral_plan(actor=request.user, referral_id=referral_id)
    cases = list(
        cases_for_user(request.user).filter(referral=referral).awaiting_assignment()
        .select_related("peer").order_by("pk")
    )
    # The page names each peer: a read of each case, so "who has seen this case" includes it.
    audit_record_many(actor=request.user, action="case.plan_view", object_type="case",
                      object_ids=[case.pk for case in cases])
    rows = [{"case": case, "suggestion": proposal.get(case.pk)} for case in cases]
    return render(request, "referrals/plan.html",
                  {"referral": referral, "rows": rows, "has_plan": bool(proposal), "error": error},
                  status=status)
