from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from peersupport.accounts.requests import SignedInRequest
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.lib.paging import uncounted_page
from peersupport.notifications.assignment import text_unavailable_reason
from peersupport.program.models import ProgramSettings
from peersupport.referrals.access import require_may_refer
from peersupport.roster.access import (
    person_for_user,
    refuse_another_programs_person,
    require_roster_reader,
    require_supporter_manager,
)
from peersupport.roster.forms import (
    PersonForm,
    RosterFilterForm,
    SupporterFilterForm,
    SupporterForm,
)
from peersupport.roster.models import Person, PersonQuerySet, Supporter
from peersupport.roster.services import person_upsert, supporter_upsert
from peersupport.training.models import TrainingSettings
from peersupport.training.selectors import ON_THE_TEAM, initial_training_dates, refresher_dates, with_last_training

PAGE_SIZE = 50
LOOKUP_MIN_CHARS = 2
LOOKUP_MAX_RESULTS = 10
# The datalists of the filters: each a scan of the roster, so computed once in a while.
CHOICES_TTL_SECONDS = 300
CHOICES_MAX = 500


def _lookup_people() -> PersonQuerySet:
    """Active people their program serves: the referral form may name only them."""
    return Person.objects.referable_in_their_program().only(
        "employee_id", "name", "department"
    )


@login_required
@require_GET
def lookup(request: SignedInRequest) -> HttpResponse:
    """Type-ahead for the referral form: name, employee id and department, nothing more."""
    require_may_refer(request.user)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    people = list(_lookup_people().search(q)[:LOOKUP_MAX_RESULTS]) if len(q) >= LOOKUP_MIN_CHARS else []
    context = {"q": q, "people": people, "min_chars": LOOKUP_MIN_CHARS}
    if request.htmx:
        return render(request, "roster/lookup_results.html", context)
    # Without JavaScript the search form lands here: a page to read the ids from.
    return render(request, "roster/lookup_page.html", context)


@login_required
@require_GET
def lookup_chip(request: SignedInRequest) -> HttpResponse:
    """One chosen clinician as a removable chip (empty if already chosen or not on the roster)."""
    require_may_refer(request.user)
    employee_id = request.GET.get("employee_id", "").strip()
    person = None
    if employee_id and "\x00" not in employee_id and employee_id not in request.GET.getlist("involved"):
        person = _lookup_people().filter(employee_id=employee_id).first()
    return render(request, "roster/chip_added.html", {"person": person})


def _distinct(field: str) -> list[str]:
    def compute() -> list[str]:
        values = Person.objects.exclude(**{field: ""}).order_by(field).values_list(field, flat=True)
        return list(values.distinct()[:CHOICES_MAX])

    values: list[str] = cache.get_or_set(f"roster:choices:{field}", compute, CHOICES_TTL_SECONDS) or []
    return values


def _datalists() -> dict[str, Sequence[str]]:
    return {
        "departments": _distinct("department"),
        "specialties": _distinct("specialty"),
        "sites": _distinct("site"),
    }


@login_required
@require_GET
def roster(request: SignedInRequest) -> HttpResponse:
    require_roster_reader(request.user)
    form = RosterFilterForm(request.GET)
    # The program's own roster (index person_program_name_idx).
    people = Person.objects.filter(program_id=request.user.program_pk).select_related("supporter")
    people = form.filter(people) if form.is_valid() else people.none()
    # No count of the (filtered) roster: at 100,000 people that count would cost more than the page.
    page = uncounted_page(people, request.GET.get("page"), PAGE_SIZE)
    return render(request, "roster/roster.html", {"form": form, "page_obj": page, **_datalists()})


def _person_form_page(request: HttpRequest, form: PersonForm, person: Person | None, status: int) -> HttpResponse:
    return render(request, "roster/person_form.html",
                  {"form": form, "person": person, **_datalists()}, status=status)


def _save_person(request: SignedInRequest, form: PersonForm, employee_id: str) -> Person | None:
    try:
        person, created = person_upsert(actor=request.user, employee_id=employee_id, data=form.to_input())
    except ServiceError as exc:
        form.add_error(None, exc.detail)
        return None
    done = gettext("%(name)s is added to the roster.") if created else gettext("%(name)s is updated on the roster.")
    messages.success(request, done % {"name": person.name})
    return person


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: SignedInRequest) -> HttpResponse:
    require_roster_reader(request.user)
    if request.method == "POST":
        # Before the form's own check (an id already on the roster): the same 404 as for no one.
        refuse_another_programs_person(request.user, str(request.POST.get("employee_id", "")).strip())
        form = PersonForm(request.POST)
        if form.is_valid() and (person := _save_person(request, form, form.cleaned_data["employee_id"])):
            return redirect("person-edit", person.employee_id)
        return _person_form_page(request, form, None, InvalidInput.status)
    return _person_form_page(request, PersonForm(), None, 200)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: SignedInRequest, employee_id: str) -> HttpResponse:
    person = person_for_user(request.user, employee_id)
    if request.method == "POST":
        form = PersonForm(request.POST, person=person)
        if form.is_valid() and _save_person(request, form, person.employee_id):
            return redirect("person-edit", person.employee_id)
        return _person_form_page(request, form, person, InvalidInput.status)
    return _person_form_page(request, PersonForm(person=person), person, 200)


@login_required
@require_http_methods(["GET", "POST"])
def supporter_edit(request: SignedInRequest, employee_id: str) -> HttpResponse:
    require_supporter_manager(request.user)
    person = person_for_user(request.user, employee_id)
    supporter = Supporter.objects.filter(person=person).first()
    # Come from "Add a supporter": go back to the team once saved.
    from_team = request.GET.get("from") == "supporters"
    status = 200
    if request.method == "POST":
        form = SupporterForm(request.POST, supporter=supporter)
        if form.is_valid():
            try:
                supporter_upsert(actor=request.user, employee_id=person.employee_id, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, gettext("%(name)s's supporter settings are saved.") % {"name": person.name})
                if from_team:
                    return redirect("supporters")
                return redirect("person-edit", person.employee_id)
        status = InvalidInput.status
    else:
        form = SupporterForm(supporter=supporter)
    # The training rule (peersupport/training): shown beside the status it governs.
    initial_training_on = initial_training_dates([person.pk]).get(person.pk)
    return render(request, "roster/supporter_form.html",
                  {"form": form, "person": person, "supporter": supporter, "from_team": from_team,
                   "initial_training_on": initial_training_on,
                   "text_unavailable": text_unavailable_reason(supporter) if supporter else ""}, status=status)


@login_required
@require_GET
def supporters(request: SignedInRequest) -> HttpResponse:
    require_supporter_manager(request.user)
    form = SupporterFilterForm(request.GET)
    default_limit = ProgramSettings.for_program(request.user.program_id).default_case_limit
    team = (
        # The program's own supporters.
        with_last_training(Supporter.objects.filter(person__program_id=request.user.program_pk).with_open_cases())
        .annotate(limit=Coalesce("capacity", Value(default_limit)))
        .select_related("person")
        .order_by("person__name", "pk")
    )
    if form.is_valid() and form.cleaned_data["status"]:
        team = team.filter(status=form.cleaned_data["status"])
    page = Paginator(team, PAGE_SIZE).get_page(request.GET.get("page"))
    # The refresher each is due for (peersupport/training): flagged when overdue.
    dates = refresher_dates(timezone.localdate(), TrainingSettings.for_program(request.user.program_pk))
    for supporter in page.object_list:
        supporter.refresher_overdue = (supporter.status in ON_THE_TEAM
                                       and dates.is_overdue(supporter.last_trained_on))
    return render(request, "roster/supporters.html", {"form": form, "page_obj": page})


@login_required
@require_GET
def supporter_add(request: SignedInRequest) -> HttpResponse:
    """Find someone on the roster to add to the supporter team (then `supporter_edit` sets them up).

    The type-ahead asks this page again (htmx) for its results only; without JavaScript, the
    search form reloads the whole page with them.
    """
    require_supporter_manager(request.user)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    people = []
    if len(q) >= LOOKUP_MIN_CHARS:
        people = list(
            # The program's own people: its staff build its own team.
            Person.objects.filter(active=True, program_id=request.user.program_pk).search(q)
            .select_related("supporter").order_by("name", "pk")
            .only("employee_id", "name", "department", "supporter__id")[:LOOKUP_MAX_RESULTS]
        )
    context = {"q": q, "people": people, "min_chars": LOOKUP_MIN_CHARS}
    if request.htmx:
        return render(request, "roster/supporter_add_results.html", context)
    return render(request, "roster/supporter_add.html", context)
