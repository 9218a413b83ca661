"""The peer's own path, with no account: the program page, asking by work email, personal links.

Every page here is public (no sign-in). None of them shows anything that depends on who is on
the roster or on the team.
"""

from typing import cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from peersupport.accounts.models import User
from peersupport.accounts.requests import SignedInRequest
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.lib.middleware import client_ip
from peersupport.referrals.forms import SelfReferralForm, new_idempotency_key
from peersupport.referrals.models import Source
from peersupport.referrals.services import ReferralRefused
from peersupport.referrals.views import render_self_referral, support_ask
from peersupport.resources.selectors import crisis_resources
from peersupport.support.forms import AskEmailForm
from peersupport.support.links import ASK, TALK, LinkRefused, read_token
from peersupport.support.selectors import self_referral_input
from peersupport.support.services import ask_request_record, link_self_refer, talk_reengage

LINK_GONE = 410


def _source(request: HttpRequest) -> str:
    """`?source=safety_report_opt_in` from the safety-reporting form's opt-in box; else a self-referral."""
    wanted = request.GET.get("source", "")
    return Source.SAFETY_REPORT_OPT_IN if wanted == Source.SAFETY_REPORT_OPT_IN else Source.SELF


@require_GET
def program_page(request: HttpRequest) -> HttpResponse:
    return render(request, "support/program.html", {"crisis": crisis_resources()})


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    source = _source(request)
    if isinstance(request.user, User) and request.user.person_id:
        # On the roster and signed in: the form itself, at once.
        return support_ask(cast(SignedInRequest, request), source=source)
    status = 200
    if request.method == "POST":
        form = AskEmailForm(request.POST)
        if form.is_valid():
            verdict = ask_request_record(email=form.cleaned_data["email"], client_ip=client_ip(request),
                                         source=source)
            if verdict.limited:
                # Depends only on how often this address or this client asked, never on the roster.
                return render(request, "support/ask_limited.html",
                              {"minutes": verdict.retry_minutes, "crisis": crisis_resources()}, status=429)
            # The same answer whether or not the address is on the roster.
            return redirect("support-ask-sent")
        status = InvalidInput.status
    else:
        form = AskEmailForm()
    context = {"form": form, "source": source if source != Source.SELF else "",
               "link_hours": settings.PERSONAL_LINK_HOURS}
    return render(request, "support/ask.html", context, status=status)


@require_GET
def ask_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "support/ask_sent.html", {"crisis": crisis_resources()})


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    """After a request through a personal link (it says nothing about whose, so anyone may open it)."""
    coming_back = request.GET.get("back") == "1"
    return render(request, "support/thanks.html", {"crisis": crisis_resources(), "coming_back": coming_back})


def _refused(request: HttpRequest, problem: str) -> HttpResponse:
    return render(request, "support/link_refused.html", {"problem": problem, "crisis": crisis_resources()},
                  status=LINK_GONE)


@require_http_methods(["GET", "POST"])
def link_form(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link from /support/ask/: the self-referral form; sending it uses the link up."""
    try:
        link = read_token(ASK, token)
    except LinkRefused as refused:
        return _refused(request, refused.problem)
    status = 200
    if request.method == "POST":
        form = SelfReferralForm(request.POST)
        if form.is_valid():
            try:
                link_self_refer(link=link, data=self_referral_input(form, link))
            except LinkRefused as refused:
                return _refused(request, refused.problem)
            except ReferralRefused as refused:
                form.add_problems(refused.problems)
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                return redirect("support-thanks")
        status = InvalidInput.status
    else:
        form = SelfReferralForm(initial={"key": new_idempotency_key()})
    return render_self_referral(request, form, action=request.path, status=status)


@require_http_methods(["GET", "POST"])
def talk(request: HttpRequest, token: str) -> HttpResponse:
    """"I'd like to talk now". A GET only asks to confirm: mail scanners open links, people press buttons."""
    try:
        link = read_token(TALK, token)
    except LinkRefused as refused:
        return _refused(request, refused.problem)
    if request.method == "POST":
        try:
            talk_reengage(link=link)
        except LinkRefused as refused:
            return _refused(request, refused.problem)
        except ServiceError:
            return _refused(request, "unavailable")
        return redirect(reverse("support-thanks") + "?back=1")
    return render(request, "support/talk.html", {})
