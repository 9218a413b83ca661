"""Recruiting pages with no sign-in: what supporters do, nominating, and a nominee's answer.

None of them shows who is on the team: the type-ahead lists active people on the roster, and
says nothing of who already supports. A link that was used, has expired or was altered gives a
kind page (410), never an error.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.recruitment.forms import NominationForm, is_roster_id
from peersupport.recruitment.links import NominationLink, read_answer_link, read_nomination_link
from peersupport.recruitment.models import Campaign, Reason
from peersupport.recruitment.pipeline import candidate_answer_through_link
from peersupport.recruitment.services import MAX_NOMINEES, nominate
from peersupport.roster.models import Person, PersonQuerySet
from peersupport.support.links import LinkRefused

LINK_GONE = 410
LOOKUP_MIN_CHARS = 2
LOOKUP_MAX_RESULTS = 10
CHIP_FIELDS = ("pk", "name", "department", "role_type")


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "recruitment/about.html")


def _refused(request: HttpRequest, problem: str) -> HttpResponse:
    return render(request, "recruitment/link_refused.html", {"problem": problem}, status=LINK_GONE)


def _nominees(campaign: Campaign) -> PersonQuerySet:
    """Who may be nominated in this campaign: active people of its own program."""
    return Person.objects.filter(active=True, program_id=campaign.program_id).only(*CHIP_FIELDS)


def _open(token: str) -> tuple[NominationLink, Campaign]:
    link = read_nomination_link(token)
    campaign = Campaign.objects.filter(pk=link.campaign_id).only("pk", "name", "program_id").first()
    if campaign is None or not Person.objects.filter(pk=link.person_id).exists():
        raise LinkRefused("unavailable")
    return link, campaign


@require_http_methods(["GET", "POST"])
def nominate_page(request: HttpRequest, token: str) -> HttpResponse:
    """The nomination form of a personal link: sending it uses the link up."""
    try:
        link, campaign = _open(token)
    except LinkRefused as refused:
        return _refused(request, refused.problem)
    status = 200
    form = NominationForm(request.POST if request.method == "POST" else None)
    chosen: list[tuple[Person, list[str]]] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                nominate(link=link, nominees=form.cleaned_data["nominees"])
            except LinkRefused as refused:
                return _refused(request, refused.problem)
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                return redirect("recruit-nominate-thanks")
        status = InvalidInput.status
        picked = form.chosen()
        people = {p.pk: p for p in _nominees(campaign).filter(pk__in=[pk for pk, _ in picked])}
        chosen = [(people[pk], reasons) for pk, reasons in picked if pk in people]
    return render(request, "recruitment/nominate.html", {
        "form": form, "campaign": campaign, "token": token, "chosen": chosen, "self_id": link.person_id,
        "reasons": Reason.choices, "max_nominees": MAX_NOMINEES, "min_chars": LOOKUP_MIN_CHARS,
    }, status=status)


@require_GET
def nominate_lookup(request: HttpRequest, token: str) -> HttpResponse:
    """The type-ahead of the nomination form: names and departments of active people, nothing more."""
    try:
        link, campaign = _open(token)
    except LinkRefused as refused:
        return _refused(request, refused.problem)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    people = []
    if len(q) >= LOOKUP_MIN_CHARS and not any(c.isdigit() for c in q):
        people = list(_nominees(campaign).search(q).order_by("name", "pk")[:LOOKUP_MAX_RESULTS])
    return render(request, "recruitment/lookup_results.html",
                  {"q": q, "people": people, "min_chars": LOOKUP_MIN_CHARS, "token": token,
                   "self_id": link.person_id})


@require_GET
def nominate_chip(request: HttpRequest, token: str) -> HttpResponse:
    """One chosen colleague's card, with the reasons to tick (empty if already chosen)."""
    try:
        link, campaign = _open(token)
    except LinkRefused as refused:
        return _refused(request, refused.problem)
    wanted = str(link.person_id) if request.GET.get("self") == "1" else request.GET.get("person", "")
    person = None
    already = request.GET.getlist("nominee")
    if is_roster_id(wanted) and wanted not in already and len(already) < MAX_NOMINEES:
        person = _nominees(campaign).filter(pk=int(wanted)).first()
    return render(request, "recruitment/chip_added.html", {
        "person": person, "checked": [], "reasons": Reason.choices, "self_id": link.person_id,
    })


@require_GET
def nominate_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "recruitment/nominate_thanks.html")


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The nominee's yes or no. A GET only shows the question: mail scanners open links."""
    try:
        link = read_answer_link(token)
    except LinkRefused as refused:
        return _refused(request, refused.problem)
    if request.method == "POST":
        choice = request.POST.get("answer", "")
        if choice not in ("accept", "decline"):
            return render(request, "recruitment/answer.html", {"error": _("Choose yes or no.")},
                          status=InvalidInput.status)
        try:
            candidate_answer_through_link(link=link, accepted=choice == "accept")
        except LinkRefused as refused:
            return _refused(request, refused.problem)
        except ServiceError:
            return _refused(request, "unavailable")
        return redirect(reverse("recruit-answered") + ("?yes=1" if choice == "accept" else ""))
    return render(request, "recruitment/answer.html", {})


@require_GET
def answered(request: HttpRequest) -> HttpResponse:
    return render(request, "recruitment/answered.html", {"accepted": request.GET.get("yes") == "1"})
