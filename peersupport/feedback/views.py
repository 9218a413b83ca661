"""The peer's feedback form (public, through their personal link) and the report for leadership."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.feedback.forms import FeedbackForm
from peersupport.feedback.selectors import (
    FeedbackScope,
    default_period,
    feedback_reports,
    parse_period,
    period_choices,
)
from peersupport.feedback.services import feedback_answer, feedback_link_category
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput
from peersupport.reports.scope import report_scopes
from peersupport.support.links import TAMPERED, LinkRefused
from peersupport.support.pages import public_crisis

LINK_GONE = 410
LINK_BROKEN = 400


def _refused(request: HttpRequest, problem: str) -> HttpResponse:
    status = LINK_BROKEN if problem == TAMPERED else LINK_GONE
    return render(request, "feedback/link_refused.html", {"problem": problem, **public_crisis()},
                  status=status)


@require_http_methods(["GET", "POST"])
def feedback_form(request: HttpRequest, token: str) -> HttpResponse:
    """Four questions, fixed choices, no sign-in; sending the answers uses the link up."""
    try:
        feedback_link_category(token)
    except LinkRefused as refused:
        return _refused(request, refused.problem)
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            try:
                feedback_answer(token=token, data=form.to_input())
            except LinkRefused as refused:
                return _refused(request, refused.problem)
            except InvalidInput as exc:
                form.add_error(None, exc.detail)
            else:
                return redirect("feedback-thanks")
        status = InvalidInput.status
    else:
        form = FeedbackForm()
    return render(request, "feedback/form.html", {"form": form}, status=status)


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/thanks.html", public_crisis())


@role_required({Role.DIRECTOR, Role.LEADER, Role.SYSTEM_LEADER},
               gettext_lazy("Only the program director and leadership see the peers' feedback."))
@require_GET
def report(request: SignedInRequest) -> HttpResponse:
    """Counts per answer per question for a year, a quarter or a month; small counts hidden. A
    program's director and leadership see their own program's answers; the system leader sees
    every program's, and all of them together."""
    today = timezone.localdate()
    choices = period_choices(today)
    status = 200
    error = ""
    period = default_period(today)
    wanted = request.GET.get("period")
    if wanted is not None:
        try:
            period = parse_period(wanted, today)
        except InvalidInput as exc:
            error, status = exc.detail, InvalidInput.status
    field = forms.Select(choices=choices).render("period", period.value, attrs={"id": "id_period"})
    scopes = report_scopes(request.user)
    found = feedback_reports(period, [FeedbackScope(scope.program_id, scope.threshold) for scope in scopes])
    reports = [(scope.name, found_report) for scope, found_report in zip(scopes, found, strict=True)]
    return render(request, "feedback/report.html",
                  {"reports": reports, "several": len(reports) > 1, "period_field": field, "period_error": error},
                  status=status)
