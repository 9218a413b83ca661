"""Training pages: the director's courses and sessions, attendance, a supporter's own training,
and the public evaluation an attendee opens from their email."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from peersupport.accounts.models import PROGRAM_STAFF, Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.program.models import ProgramSettings
from peersupport.roster.models import Supporter, SupporterStatus
from peersupport.support.links import LinkRefused
from peersupport.training.access import (
    DIRECTOR_ONLY,
    STAFF_ONLY,
    course_for_user,
    material_for_user,
    require_training_maintainer,
    session_for_user,
)
from peersupport.training.forms import (
    AttendanceForm,
    CourseForm,
    EvaluationForm,
    MaterialForm,
    SessionForm,
    TrainingSettingsForm,
)
from peersupport.training.models import Course, CourseKind, Material, Session, TrainingSettings
from peersupport.training.reports import course_report, session_reports
from peersupport.training.selectors import (
    ON_THE_TEAM,
    due_soon_supporters,
    overdue_supporters,
    refresher_dates,
    training_history,
    with_last_training,
)
from peersupport.training.services import (
    attendance_record,
    course_save,
    evaluation_link_open,
    evaluation_submit,
    material_save,
    session_save,
    training_settings_update,
)

PAGE_SIZE = 50
# The attendance form lists the likely attendees to tick; anyone else goes in by employee id.
CANDIDATES_SHOWN = 200
LINK_GONE = 410


@role_required(PROGRAM_STAFF, STAFF_ONLY)
@require_GET
def training(request: SignedInRequest) -> HttpResponse:
    program_id = request.user.program_pk
    rules = TrainingSettings.for_program(program_id)
    dates = refresher_dates(timezone.localdate(), rules)
    now = timezone.now()
    upcoming = (Session.objects.filter(starts_at__gte=now, course__program_id=program_id).select_related("course")
                .order_by("starts_at")[:10])
    overdue = Paginator(overdue_supporters(dates), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/training.html", {
        "courses": Course.objects.filter(program_id=program_id),
        "upcoming": upcoming,
        "overdue": overdue,
        "dates": dates,
        "due_soon": due_soon_supporters(dates)[:PAGE_SIZE],
        "materials": Material.objects.filter(program_id=program_id).select_related("course"),
        "rules": rules,
    })


@role_required(PROGRAM_STAFF, STAFF_ONLY)
@require_http_methods(["GET", "POST"])
def training_settings(request: SignedInRequest) -> HttpResponse:
    rules = TrainingSettings.for_program(request.user.program_pk)
    status = 200
    if request.method == "POST":
        require_training_maintainer(request.user)
        form = TrainingSettingsForm(request.POST, rules=rules)
        if form.is_valid():
            try:
                training_settings_update(actor=request.user, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, _("The training settings are saved."))
                return redirect("training")
        status = InvalidInput.status
    else:
        form = TrainingSettingsForm(rules=rules)
    may_change = request.user.role == Role.DIRECTOR
    return render(request, "training/settings.html", {"form": form, "may_change": may_change}, status=status)


def _form_page(request: HttpRequest, title: str, form: object, back: str, status: int) -> HttpResponse:
    return render(request, "training/form.html", {"title": title, "form": form, "back": back}, status=status)


@role_required({Role.DIRECTOR}, DIRECTOR_ONLY)
@require_http_methods(["GET", "POST"])
def course_new(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        form = CourseForm(request.POST)
        if form.is_valid():
            try:
                course = course_save(actor=request.user, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                return redirect("training-course", course.pk)
        return _form_page(request, _("A new course"), form, "training", InvalidInput.status)
    return _form_page(request, _("A new course"), CourseForm(), "training", 200)


@role_required(PROGRAM_STAFF, STAFF_ONLY)
@require_GET
def course_page(request: SignedInRequest, course_id: int) -> HttpResponse:
    course = course_for_user(request.user, course_id)
    sessions = course.sessions.order_by("-starts_at", "pk")
    return render(request, "training/course.html", {
        "course": course,
        "sessions": session_reports(sessions, ProgramSettings.for_program(course.program_id).small_count_threshold),
        "report": course_report(course),
        "materials": course.materials.all(),
    })


@role_required({Role.DIRECTOR}, DIRECTOR_ONLY)
@require_http_methods(["GET", "POST"])
def course_edit(request: SignedInRequest, course_id: int) -> HttpResponse:
    course = course_for_user(request.user, course_id)
    if request.method == "POST":
        form = CourseForm(request.POST, course=course)
        if form.is_valid():
            try:
                course_save(actor=request.user, data=form.to_input(), course=course)
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                return redirect("training-course", course.pk)
        return _form_page(request, _("Change %(name)s") % {"name": course.name}, form, "training",
                          InvalidInput.status)
    return _form_page(request, _("Change %(name)s") % {"name": course.name}, CourseForm(course=course), "training",
                      200)


@role_required({Role.DIRECTOR}, DIRECTOR_ONLY)
@require_http_methods(["GET", "POST"])
def session_new(request: SignedInRequest, course_id: int) -> HttpResponse:
    course = course_for_user(request.user, course_id)
    title = _("A new session of %(course)s") % {"course": course.name}
    if request.method == "POST":
        form = SessionForm(request.POST)
        if form.is_valid():
            try:
                session = session_save(actor=request.user, course=course, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                return redirect("training-session", session.pk)
        return _form_page(request, title, form, "training", InvalidInput.status)
    return _form_page(request, title, SessionForm(), "training", 200)


@role_required({Role.DIRECTOR}, DIRECTOR_ONLY)
@require_http_methods(["GET", "POST"])
def session_edit(request: SignedInRequest, session_id: int) -> HttpResponse:
    session = session_for_user(request.user, session_id)
    title = _("Change the session of %(course)s") % {"course": session.course.name}
    if request.method == "POST":
        form = SessionForm(request.POST, session=session)
        if form.is_valid():
            try:
                session_save(actor=request.user, course=session.course, data=form.to_input(), session=session)
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                return redirect("training-session", session.pk)
        return _form_page(request, title, form, "training", InvalidInput.status)
    return _form_page(request, title, SessionForm(session=session), "training", 200)


def _candidates(session: Session) -> list[tuple[str, str]]:
    """Who is likely there: of the course's program, for an initial course the supporters still
    to be trained, for a refresher those on the team; not those already recorded."""
    statuses = ((SupporterStatus.NOMINATED, SupporterStatus.IN_TRAINING) if session.course.kind == CourseKind.INITIAL
                else (SupporterStatus.ACTIVE, SupporterStatus.PAUSED))
    people = (Supporter.objects.filter(status__in=statuses, person__program_id=session.course.program_id)
              .exclude(person__trainings__session=session).order_by("person__name", "pk")
              .values_list("person__employee_id", "person__name")[:CANDIDATES_SHOWN])
    return [(employee_id, f"{name} ({employee_id})") for employee_id, name in people]


@role_required(PROGRAM_STAFF, STAFF_ONLY)
@require_http_methods(["GET", "POST"])
def session_page(request: SignedInRequest, session_id: int) -> HttpResponse:
    """A session: when and where, who attended; staff record attendance here."""
    session = session_for_user(request.user, session_id)
    candidates = _candidates(session) if session.has_begun else []
    status = 200
    if request.method == "POST":
        form = AttendanceForm(request.POST, candidates=candidates)
        if form.is_valid():
            try:
                counts = attendance_record(actor=request.user, session=session,
                                           employee_ids=form.cleaned_data["employee_ids"],
                                           completed=form.cleaned_data["completed"])
            except ServiceError as exc:
                form.add_error(None, exc.detail)
                status = exc.status
            else:
                messages.success(request, _("Attendance saved: %(added)s added, %(updated)s changed.")
                                 % {"added": counts.added, "updated": counts.updated})
                return redirect("training-session", session.pk)
        else:
            status = InvalidInput.status
    else:
        form = AttendanceForm(candidates=candidates)
    attendance = session.attendance.select_related("person").order_by("person__name", "pk")
    page = Paginator(attendance, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/session.html", {
        "session": session, "form": form, "page_obj": page,
        "facilitators": session.facilitators.all(),
        "may_edit": request.user.role == Role.DIRECTOR,
    }, status=status)


@role_required({Role.DIRECTOR}, DIRECTOR_ONLY)
@require_http_methods(["GET", "POST"])
def material_new(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        form = MaterialForm(request.POST, program_id=request.user.program_pk)
        if form.is_valid():
            try:
                material_save(actor=request.user, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                return redirect("training")
        return _form_page(request, _("A new material"), form, "training", InvalidInput.status)
    return _form_page(request, _("A new material"), MaterialForm(program_id=request.user.program_pk), "training", 200)


@role_required({Role.DIRECTOR}, DIRECTOR_ONLY)
@require_http_methods(["GET", "POST"])
def material_edit(request: SignedInRequest, material_id: int) -> HttpResponse:
    material = material_for_user(request.user, material_id)
    if request.method == "POST":
        form = MaterialForm(request.POST, program_id=material.program_id, material=material)
        if form.is_valid():
            try:
                material_save(actor=request.user, data=form.to_input(), material=material)
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                return redirect("training")
        return _form_page(request, _("Change %(name)s") % {"name": material.title}, form, "training",
                          InvalidInput.status)
    form = MaterialForm(program_id=material.program_id, material=material)
    return _form_page(request, _("Change %(name)s") % {"name": material.title}, form, "training", 200)


@role_required({Role.SUPPORTER}, gettext_lazy("The training history is a supporter's own page."))
@require_GET
def my_training(request: SignedInRequest) -> HttpResponse:
    person = request.user.person
    supporter = None
    due_on = None
    overdue = False
    if person is not None:
        supporter = with_last_training(Supporter.objects.filter(person=person)).first()
    program_id = person.program_id or 0 if person is not None else 0
    if supporter is not None:
        dates = refresher_dates(timezone.localdate(), TrainingSettings.for_program(program_id))
        last = supporter.last_trained_on  # type: ignore[attr-defined]  # annotated by with_last_training
        due_on, overdue = dates.due_on(last), dates.is_overdue(last)
    on_the_team = supporter is not None and supporter.status in ON_THE_TEAM
    kinds = [CourseKind.REFRESHER] if on_the_team else [CourseKind.INITIAL]
    upcoming = (Session.objects.filter(starts_at__gte=timezone.now(), course__kind__in=kinds, course__active=True,
                                       course__program_id=program_id)
                .select_related("course").order_by("starts_at")[:5])
    return render(request, "training/my_training.html", {
        "history": training_history(person)[:50] if person is not None else [],
        "supporter": supporter, "due_on": due_on, "overdue": overdue, "upcoming": upcoming,
        "materials": Material.objects.filter(active=True, program_id=program_id).select_related("course"),
    })


@require_GET
def evaluation_thanks(request: HttpRequest) -> HttpResponse:
    """After an evaluation (it says nothing about whose, so anyone may open it)."""
    return render(request, "training/evaluation_thanks.html", {})


def _refused(request: HttpRequest, problem: str) -> HttpResponse:
    return render(request, "training/evaluation_refused.html", {"problem": problem}, status=LINK_GONE)


@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, token: str) -> HttpResponse:
    """The attendee's evaluation from their email: public, single use, fixed choices only."""
    try:
        link = evaluation_link_open(token)
    except LinkRefused as refused:
        return _refused(request, refused.problem)
    status = 200
    if request.method == "POST":
        form = EvaluationForm(request.POST)
        if form.is_valid():
            try:
                evaluation_submit(link=link, data=form.to_input())
            except LinkRefused as refused:
                return _refused(request, refused.problem)
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                return redirect("training-evaluation-thanks")
        status = InvalidInput.status
    else:
        form = EvaluationForm()
    return render(request, "training/evaluation.html", {"form": form, "session": link.session}, status=status)
