"""The peer's own path, with no account: the program page, asking by work email, personal links.

Every page here is public (no sign-in). None of them shows anything that depends on who is on
the roster or on the team. Each program (hospital) has its own page and ask path at
/support/<short name>/ (`pages.py`); the crisis lines a page shows are that page's program's.
"""

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from peersupport.accounts.models import User
from peersupport.accounts.requests import SignedInRequest
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.lib.middleware import client_ip
from peersupport.program.models import Program
from peersupport.referrals.forms import SelfReferralForm, new_idempotency_key
from peersupport.referrals.models import Source
from peersupport.referrals.services import ReferralRefused
from peersupport.referrals.views import render_self_referral, support_ask
from peersupport.resources.models import Resource, ResourceCategory
from peersupport.resources.selectors import active_resources, crisis_resources, group_by_category
from peersupport.support.forms import AskEmailForm
from peersupport.support.links import ASK, TALK, LinkRefused, PersonalLink, read_token
from peersupport.support.pages import program_of_page, program_url, programs_to_choose
from peersupport.support.selectors import self_referral_input
from peersupport.support.services import ask_request_record, link_self_refer, talk_reengage

LINK_GONE = 410


def _source(request: HttpRequest) -> str:
    """`?source=safety_report_opt_in` from the safety-reporting form's opt-in box; else a self-referral."""
    wanted = request.GET.get("source", "")
    return Source.SAFETY_REPORT_OPT_IN if wanted == Source.SAFETY_REPORT_OPT_IN else Source.SELF


def _crisis(program: Program | None) -> list[Resource]:
    return crisis_resources(program.pk) if program is not None else []


def _page_context(program: Program | None, **context: Any) -> dict[str, Any]:
    """What every page of the path shows: its program's crisis lines, or with no single program,
    the hospitals to choose from (each page has them)."""
    return {"program": program, "crisis": _crisis(program),
            "programs": programs_to_choose() if program is None else [], **context}


@require_GET
def program_page(request: HttpRequest, short_name: str | None = None) -> HttpResponse:
    program = program_of_page(short_name)
    groups = []
    if program is not None:
        groups = group_by_category(r for r in active_resources(program.pk) if r.category != ResourceCategory.CRISIS)
    # The address the reader came by: an installation's only program keeps its page at /support/.
    ask_url = program_url("-ask", program if short_name else None)
    return render(request, "support/program.html", _page_context(program, groups=groups, ask_url=ask_url))


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, short_name: str | None = None) -> HttpResponse:
    source = _source(request)
    program = program_of_page(short_name)
    if isinstance(request.user, User) and request.user.person_id:
        # On the roster and signed in: the form itself, at once (the case is in their own program).
        return support_ask(cast(SignedInRequest, request), source=source)
    query = f"source={source}" if source != Source.SELF else ""
    if program is None and request.method == "GET":
        # Several hospitals: the reader chooses theirs, and asks on its page (the source kept).
        return render(request, "support/choose.html", _page_context(None, query=query))
    status = 200
    if request.method == "POST":
        form = AskEmailForm(request.POST)
        if form.is_valid():
            verdict = ask_request_record(email=form.cleaned_data["email"], client_ip=client_ip(request),
                                         source=source)
            if verdict.limited:
                # Depends only on how often this address or this client asked, never on the roster.
                return render(request, "support/ask_limited.html",
                              _page_context(program, minutes=verdict.retry_minutes), status=429)
            # The same answer whether or not the address is on the roster, and whichever program
            # the person is in: the page's own program's crisis lines.
            return redirect(program_url("-ask-sent", program if short_name else None))
        status = InvalidInput.status
    else:
        form = AskEmailForm()
    context = _page_context(program, form=form, source=source if source != Source.SELF else "",
                            link_hours=settings.PERSONAL_LINK_HOURS,
                            action=program_url("-ask", program if short_name else None, query))
    return render(request, "support/ask.html", context, status=status)


@require_GET
def ask_sent(request: HttpRequest, short_name: str | None = None) -> HttpResponse:
    return render(request, "support/ask_sent.html", _page_context(program_of_page(short_name)))


@require_GET
def thanks(request: HttpRequest, short_name: str | None = None) -> HttpResponse:
    """After a request through a personal link (it says nothing about whose, so anyone may open it)."""
    coming_back = request.GET.get("back") == "1"
    return render(request, "support/thanks.html",
                  _page_context(program_of_page(short_name), coming_back=coming_back))


def _thanks_of(link: PersonalLink, query: str = "") -> HttpResponse:
    """The thanks page of the person's own program: where their case is, and its crisis lines."""
    program = Program.objects.filter(people__pk=link.person_id).first()
    return redirect(program_url("-thanks", program, query))


def _refused(request: HttpRequest, problem: str) -> HttpResponse:
    return render(request, "support/link_refused.html", _page_context(program_of_page(None), problem=problem),
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
                return _thanks_of(link)
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
        return _thanks_of(link, "back=1")
    return render(request, "support/talk.html", {})
