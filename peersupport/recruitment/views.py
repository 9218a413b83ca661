"""Recruiting pages for the program staff: campaigns and the candidate pipeline."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peersupport.accounts.requests import SignedInRequest
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.lib.paging import uncounted_page
from peersupport.recruitment.access import (
    CAMPAIGN_MANAGERS,
    PIPELINE_ACTORS,
    PIPELINE_READERS,
    campaign_or_404,
    candidate_or_404,
)
from peersupport.recruitment.forms import CampaignForm, CandidateMoveForm
from peersupport.recruitment.invitation import render_invitation
from peersupport.recruitment.links import NOMINATE
from peersupport.recruitment.models import Campaign, CampaignStatus, CandidateState
from peersupport.recruitment.pipeline import candidate_move
from peersupport.recruitment.selectors import (
    Audience,
    audience_count,
    campaign_figures,
    figures_by_campaign,
    ranked_candidates,
    reason_counts,
    sample_recipient,
    self_nominated,
)
from peersupport.recruitment.services import campaign_create, campaign_send, campaign_update
from peersupport.support.links import kind_url
from peersupport.training.selectors import initial_training_dates

PAGE_SIZE = 50
PREVIEW_LINK_STAND_IN = "your-own-link"


@role_required(CAMPAIGN_MANAGERS)
@require_GET
def campaigns(request: SignedInRequest) -> HttpResponse:
    page = uncounted_page(Campaign.objects.filter(program_id=request.user.program_pk), request.GET.get("page"),
                          PAGE_SIZE)
    figures = figures_by_campaign(page.object_list)
    rows = [(campaign, figures[campaign.pk]) for campaign in page.object_list]
    return render(request, "recruitment/campaigns.html", {"page_obj": page, "rows": rows})


@role_required(CAMPAIGN_MANAGERS)
@require_http_methods(["GET", "POST"])
def campaign_new(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        form = CampaignForm(request.POST, program_id=request.user.program_pk)
        if form.is_valid():
            try:
                campaign = campaign_create(actor=request.user, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, _("The campaign is saved as a draft. Check the preview, then send it."))
                return redirect("recruit-campaign", campaign.pk)
        return render(request, "recruitment/campaign_form.html", {"form": form}, status=InvalidInput.status)
    return render(request, "recruitment/campaign_form.html", {"form": CampaignForm(program_id=request.user.program_pk)})


@role_required(CAMPAIGN_MANAGERS)
@require_http_methods(["GET", "POST"])
def campaign_edit(request: SignedInRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_or_404(request.user, campaign_id)
    if campaign.status != CampaignStatus.DRAFT:
        messages.info(request, _("This campaign has been sent; it can no longer be changed."))
        return redirect("recruit-campaign", campaign.pk)
    if request.method == "POST":
        form = CampaignForm(request.POST, program_id=campaign.program_id, campaign=campaign)
        if form.is_valid():
            try:
                campaign_update(actor=request.user, campaign_id=campaign.pk, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("recruit-campaign", campaign.pk)
        return render(request, "recruitment/campaign_form.html", {"form": form, "campaign": campaign},
                      status=InvalidInput.status)
    form = CampaignForm(program_id=campaign.program_id, campaign=campaign)
    return render(request, "recruitment/campaign_form.html", {"form": form, "campaign": campaign})


def _progress_context(campaign: Campaign) -> dict[str, object]:
    total = max(campaign.audience_size, campaign.invited_count)
    percent = 100 if not total else min(100, round(100 * campaign.invited_count / total))
    return {"campaign": campaign, "percent": percent, "total": total}


@role_required(CAMPAIGN_MANAGERS)
@require_GET
def campaign(request: SignedInRequest, campaign_id: int) -> HttpResponse:
    found = campaign_or_404(request.user, campaign_id)
    context: dict[str, object] = {**_progress_context(found), "figures": campaign_figures(found)}
    if found.status == CampaignStatus.DRAFT:
        audience = Audience.of(found)
        recipient = sample_recipient(audience)
        context["audience_count"] = audience_count(audience)
        context["recipient"] = recipient
        if recipient is not None:
            context["preview"] = render_invitation(found.subject, found.body, name=recipient.name,
                                                   link=kind_url(NOMINATE, PREVIEW_LINK_STAND_IN))
    return render(request, "recruitment/campaign.html", context)


@role_required(CAMPAIGN_MANAGERS)
@require_GET
def campaign_progress(request: SignedInRequest, campaign_id: int) -> HttpResponse:
    """The progress of sending, for the campaign page to poll (htmx) while it sends."""
    found = campaign_or_404(request.user, campaign_id)
    return render(request, "recruitment/progress.html",
                  {**_progress_context(found), "figures": campaign_figures(found)})


@role_required(CAMPAIGN_MANAGERS)
@require_POST
def campaign_send_view(request: SignedInRequest, campaign_id: int) -> HttpResponse:
    found = campaign_or_404(request.user, campaign_id)
    try:
        campaign_send(actor=request.user, campaign_id=found.pk)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Sending has started. This page shows how far it has got."))
    return redirect("recruit-campaign", found.pk)


@role_required(PIPELINE_READERS)
@require_GET
def candidates(request: SignedInRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in CandidateState.values:
        state = ""
    page = uncounted_page(ranked_candidates(request.user.program_pk, state), request.GET.get("page"), PAGE_SIZE)
    reasons = reason_counts(candidate.person_id for candidate in page.object_list)
    rows = [(candidate, reasons.get(candidate.person_id, [])) for candidate in page.object_list]
    return render(request, "recruitment/candidates.html", {
        "page_obj": page, "rows": rows, "state": state, "states": CandidateState.choices,
        "self_named": self_nominated(candidate.person_id for candidate in page.object_list),
        "initial_trained": initial_training_dates(candidate.person_id for candidate in page.object_list
                                                  if candidate.state == CandidateState.IN_TRAINING),
        "may_move": request.user.role in PIPELINE_ACTORS,
    })


@role_required(PIPELINE_ACTORS, gettext_lazy("Only the program director moves candidates through the pipeline."))
@require_POST
def candidate_move_view(request: SignedInRequest, candidate_id: int) -> HttpResponse:
    candidate_or_404(request.user, candidate_id)
    form = CandidateMoveForm(request.POST)
    back = request.POST.get("state", "")
    target = "recruit-candidates"
    if not form.is_valid():
        messages.error(request, _("Choose a step from the pipeline."))
    else:
        try:
            candidate = candidate_move(actor=request.user, candidate_id=candidate_id, step=form.cleaned_data["step"])
        except ServiceError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("%(name)s: %(state)s.")
                             % {"name": candidate.person.name, "state": candidate.get_state_display().lower()})
    response = redirect(target)
    if back in CandidateState.values:
        response["Location"] += f"?state={back}"
    return response
