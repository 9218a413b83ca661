"""A program's publicity kit (its director and administrator): the checklist and the
referrals-by-source chart, the printable poster and wallet cards, and the safety-reporting
system's opt-in snippet. All of it is the signed-in staff member's own program's: its places and
dates, its referrals, its public page's address in the QR code and the links."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_GET, require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.front.decorators import role_required
from peersupport.lib.errors import ServiceError
from peersupport.program.models import Program
from peersupport.publicity import kit, selectors
from peersupport.publicity.access import require_own_date, require_own_place
from peersupport.publicity.chart import build_chart
from peersupport.publicity.forms import DateForm, PlaceForm
from peersupport.publicity.services import date_add, date_remove, place_add
from peersupport.resources.selectors import crisis_resources

STAFF = (Role.DIRECTOR, Role.ADMINISTRATOR)
staff_only = role_required(STAFF, gettext_lazy("The publicity kit is the program director's and administrator's."))
CARDS_PER_SHEET = 8
BAD_INPUT = 422


class MonthsForm(forms.Form):
    months = forms.TypedChoiceField(label=gettext_lazy("Months shown"), coerce=int, required=False,
                                    choices=[(m, ngettext_lazy("The last %(num)s month", "The last %(num)s months",
                                                               "num") % {"num": m})
                                             for m in selectors.MONTH_CHOICES])


def _page(request: SignedInRequest, *, place_form: PlaceForm | None = None, date_error_for: int | None = None,
          date_error: str = "", status: int = 200) -> HttpResponse:
    months_form = MonthsForm(request.GET or None)
    months = selectors.DEFAULT_MONTHS
    if months_form.is_bound and months_form.is_valid():
        months = months_form.cleaned_data["months"] or selectors.DEFAULT_MONTHS
    program_id = request.user.program_pk
    timeline = selectors.referrals_by_source(program_id=program_id, months=months)
    places = selectors.checklist(program_id)
    context = {
        "places": places,
        # An error about a place no longer listed is said above the checklist.
        "checklist_error": date_error if date_error and date_error_for not in {p.pk for p in places} else "",
        "place_form": place_form or PlaceForm(),
        "date_error_for": date_error_for,
        "date_error": date_error,
        "months_form": months_form,
        "months": months,
        "timeline": timeline,
        "chart": build_chart(timeline),
    }
    return render(request, "publicity/publicity.html", context, status=status)


@staff_only
@require_GET
def publicity(request: SignedInRequest) -> HttpResponse:
    return _page(request)


@staff_only
@require_POST
def place_new(request: SignedInRequest) -> HttpResponse:
    form = PlaceForm(request.POST)
    if form.is_valid():
        try:
            place = place_add(actor=request.user, program_id=request.user.program_pk,
                              name=form.cleaned_data["name"])
        except ServiceError as exc:
            form.add_error("name", exc.detail)
            return _page(request, place_form=form, status=exc.status)
        messages.success(request, _("%(place)s is on the checklist.") % {"place": place.label})
        return redirect("publicity")
    return _page(request, place_form=form, status=BAD_INPUT)


@staff_only
@require_POST
def date_new(request: SignedInRequest, place_id: int) -> HttpResponse:
    require_own_place(request.user, place_id)
    form = DateForm(request.POST)
    if not form.is_valid():
        return _page(request, date_error_for=place_id, date_error=_("Give the day it was done, as a date."),
                     status=BAD_INPUT)
    try:
        ticked = date_add(actor=request.user, program_id=request.user.program_pk, place_id=place_id,
                          done_on=form.cleaned_data["done_on"])
    except ServiceError as exc:
        return _page(request, date_error_for=place_id, date_error=exc.detail, status=exc.status)
    day = ticked.done_on
    messages.success(request, _("%(place)s: ticked off on %(day)s.")
                     % {"place": ticked.place.label, "day": date_format(day, _("F j, Y"))})
    return redirect(f"{reverse('publicity')}#place-{place_id}")


@staff_only
@require_POST
def date_delete(request: SignedInRequest, date_id: int) -> HttpResponse:
    require_own_date(request.user, date_id)
    try:
        date_remove(actor=request.user, program_id=request.user.program_pk, date_id=date_id)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The date is off the checklist."))
    return redirect("publicity")


def _program(request: SignedInRequest) -> Program:
    """The signed-in staff member's own program, whose kit this is."""
    return get_object_or_404(Program, pk=request.user.program_pk)


@staff_only
@require_GET
def poster(request: SignedInRequest) -> HttpResponse:
    program = _program(request)
    url = kit.ask_url(program)
    return render(request, "publicity/poster.html",
                  {"program": program, "ask_url": url,
                   "qr": kit.qr_svg(url, label=_("QR code of the address of the ask page")),
                   "crisis": crisis_resources(program.pk)[:2]})


@staff_only
@require_GET
def cards(request: SignedInRequest) -> HttpResponse:
    program = _program(request)
    url = kit.ask_url(program)
    return render(request, "publicity/cards.html",
                  {"program": program, "ask_url": url,
                   "qr": kit.qr_svg(url, label=_("QR code of the address of the ask page")),
                   "cards": range(CARDS_PER_SHEET)})


@staff_only
@require_GET
def snippet(request: SignedInRequest) -> HttpResponse:
    program = _program(request)
    return render(request, "publicity/snippet.html",
                  {"program": program, "opt_in_url": kit.opt_in_url(program),
                   "snippets": kit.opt_in_snippets(program)})
