from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from peersupport.accounts.models import MAY_REFER, PROGRAM_STAFF, Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.front.decorators import role_required
from peersupport.front.hubs import PROGRAM, TEAM, hub_links

API_DOCS_URL = "/api/v1/docs"


@login_required
@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    """Each role starts where its work is."""
    role = request.user.role
    if role in PROGRAM_STAFF:
        return redirect("queue")
    if role == Role.SUPPORTER:
        return redirect("my-cases")
    if role == Role.CLINICIAN:
        # A clinician comes to the program mostly for themself; referring a colleague is one tab away.
        return redirect("support-ask")
    if role == Role.INTEGRATION:
        return render(request, "front/integration.html", {"api_docs_url": API_DOCS_URL})
    if role in MAY_REFER:
        return redirect("referral-new")
    # Leadership, and any role still to come, sees aggregates only: the program's reports.
    return redirect("reports")


HUB_TITLES = {TEAM: "Team", PROGRAM: "Program"}


def _hub(request: SignedInRequest, hub: str) -> HttpResponse:
    return render(request, "front/hub.html", {"title": HUB_TITLES[hub], "links": hub_links(request.user, hub)})


@role_required(PROGRAM_STAFF)
@require_GET
def team_hub(request: SignedInRequest) -> HttpResponse:
    return _hub(request, TEAM)


@role_required(PROGRAM_STAFF)
@require_GET
def program_hub(request: SignedInRequest) -> HttpResponse:
    return _hub(request, PROGRAM)
