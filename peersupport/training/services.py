"""Changes to training: courses, sessions, materials, attendance, the settings, evaluations.

Each is one transaction with its audit entry (and its emails, for attendance)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peersupport.accounts.models import PROGRAM_STAFF, User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.matching.models import matching_version_bump
from peersupport.notifications.emails import first_name, render_plain_text
from peersupport.notifications.services import Draft, outbox_enqueue_all
from peersupport.program.models import Program
from peersupport.roster.models import Person, Supporter, SupporterStatus
from peersupport.support.links import TAMPERED, USED, LinkRefused, link_was_used, open_link, use_link
from peersupport.training.links import EVALUATION, evaluation_url
from peersupport.training.models import (
    Agreement,
    Attendance,
    Course,
    CourseKind,
    Evaluation,
    Material,
    Pace,
    RefresherPause,
    Session,
    TrainingSettings,
    Usefulness,
)

MAX_ATTENDEES_AT_ONCE = 500
MAX_FACILITATORS = 10


def _render(name: str, context: dict[str, object], person: Person) -> tuple[str, str]:
    """The email in its recipient's language (the program's when they have none)."""
    with translation.override(getattr(person, "language", "") or settings.LANGUAGE_CODE):
        subject = render_plain_text(f"training/emails/{name}_subject.txt", context, recipient=person)
        body = render_plain_text(f"training/emails/{name}_body.txt", context, recipient=person)
    return " ".join(subject.split()), body.strip() + "\n"


# Courses and materials ------------------------------------------------------------------------

@dataclass(frozen=True)
class CourseInput:
    name: str
    kind: str
    summary: str = ""
    active: bool = True


def course_save(*, actor: User, data: CourseInput, course: Course | None = None) -> Course:
    """A new course of the actor's program, or a change to one (the caller's gate found it)."""
    name = " ".join(data.name.split())
    if not name or len(name) > 120:
        raise InvalidInput(_("A course needs a name (at most 120 characters)."))
    if data.kind not in CourseKind.values:
        raise InvalidInput(_("A course is an initial training or a refresher."))
    if course is not None and course.kind != data.kind and course.sessions.filter(attendance__isnull=False).exists():
        raise Conflict(_("Attendance is recorded for this course, so whether it is initial or a refresher stays."))
    with transaction.atomic():
        created = course is None
        course = course or Course(program_id=actor.program_pk)
        course.name, course.kind, course.active = name, data.kind, data.active
        course.summary = data.summary.strip()[:300]
        course.save()
        audit_record(actor=actor, action="training.course_create" if created else "training.course_update",
                     obj=course, detail={"kind": course.kind, "active": course.active})
    return course


@dataclass(frozen=True)
class MaterialInput:
    title: str
    url: str = ""
    description: str = ""
    course_id: int | None = None
    active: bool = True


def material_save(*, actor: User | None, data: MaterialInput, material: Material | None = None,
                  program_id: int | None = None) -> Material:
    """A new material of the actor's program (or of `program_id`, for a script with no actor), or
    a change to one; its course is that program's."""
    title = " ".join(data.title.split())
    if not title or len(title) > 160:
        raise InvalidInput(_("A material needs a title (at most 160 characters)."))
    if not data.url.strip() and not data.description.strip():
        raise InvalidInput(_("Give a link or a short description, or both."))
    if material is not None:
        program_id = material.program_id
    elif program_id is None:
        program_id = actor.program_pk if actor is not None else Program.default().pk
    if data.course_id is not None and not Course.objects.filter(pk=data.course_id, program_id=program_id).exists():
        raise InvalidInput(_("That course does not exist."))
    with transaction.atomic():
        created = material is None
        material = material or Material(program_id=program_id)
        material.title, material.url = title, data.url.strip()
        material.description, material.course_id = data.description.strip()[:300], data.course_id
        material.active = data.active
        material.save()
        audit_record(actor=actor, action="training.material_create" if created else "training.material_update",
                     obj=material, detail={"active": material.active})
    return material


# Sessions ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionInput:
    starts_at: datetime
    minutes: int
    place: str
    facilitator_ids: Sequence[str] = ()


def _facilitators(employee_ids: Sequence[str], program_id: int) -> list[Person]:
    """The program's staff (a director's or administrator's login on the roster) or supporters."""
    wanted = list(dict.fromkeys(e.strip() for e in employee_ids if e.strip()))
    if len(wanted) > MAX_FACILITATORS:
        raise InvalidInput(_("At most %(count)s facilitators a session.") % {"count": MAX_FACILITATORS})
    people = {p.employee_id: p for p in Person.objects.filter(employee_id__in=wanted)}
    missing = [e for e in wanted if e not in people]
    if missing:
        raise InvalidInput(_("Not on the roster: %(ids)s.") % {"ids": ", ".join(missing[:5])})
    elsewhere = [e for e, p in people.items() if p.program_id != program_id]
    if elsewhere:
        raise InvalidInput(_("Of another hospital's program, so not a facilitator of this one: %(ids)s.")
                           % {"ids": ", ".join(elsewhere[:5])})
    # A supporter of any status but retired, or someone with a program staff login.
    allowed = set(
        Supporter.objects.filter(person__in=people.values()).exclude(status=SupporterStatus.RETIRED)
        .values_list("person_id", flat=True)
    ) | set(
        User.objects.filter(person__in=people.values(), role__in=PROGRAM_STAFF, is_active=True)
        .values_list("person_id", flat=True)
    )
    refused = [e for e, p in people.items() if p.pk not in allowed]
    if refused:
        raise InvalidInput(_("A facilitator is a supporter or one of the program's staff; not so: %(ids)s.")
                           % {"ids": ", ".join(refused[:5])})
    return [people[e] for e in wanted]


def session_save(*, actor: User | None, course: Course, data: SessionInput, session: Session | None = None) -> Session:
    place = " ".join(data.place.split())
    if not place or len(place) > 200:
        raise InvalidInput(_("A session needs a place (at most 200 characters)."))
    if not 15 <= data.minutes <= 600:
        raise InvalidInput(_("A session lasts 15 minutes to 10 hours."))
    facilitators = _facilitators(data.facilitator_ids, course.program_id)
    with transaction.atomic():
        created = session is None
        if (session is not None and session.attendance.exists()
                and timezone.localdate(data.starts_at) != timezone.localdate(session.starts_at)):
            raise Conflict(_("Attendance is recorded for this session, so its date stays."))
        session = session or Session(course=course)
        session.starts_at, session.minutes, session.place = data.starts_at, data.minutes, place
        session.save()
        session.facilitators.set(facilitators)
        audit_record(actor=actor, action="training.session_create" if created else "training.session_update",
                     obj=session, detail={"course": course.pk, "facilitators": len(facilitators)})
    return session


# Attendance -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AttendanceCounts:
    added: int
    updated: int
    resumed: int


def attendance_record(*, actor: User | None, session: Session, employee_ids: Sequence[str],
                      completed: bool = True) -> AttendanceCounts:
    """Record that these people attended the session (and completed it, or not).

    A completed initial training sets the supporter's `trained_on` if it was empty. A completed
    training of any kind resumes a supporter whom the reminders job paused for an overdue
    refresher. Everyone newly recorded is sent the session's evaluation link."""
    if not session.has_begun:
        raise Conflict(_("Attendance is recorded once the session has begun."))
    wanted = list(dict.fromkeys(e.strip() for e in employee_ids if e.strip()))
    if not wanted:
        raise InvalidInput(_("Choose at least one person who attended."))
    if len(wanted) > MAX_ATTENDEES_AT_ONCE:
        raise InvalidInput(_("At most %(count)s people at once.") % {"count": MAX_ATTENDEES_AT_ONCE})
    people = {p.employee_id: p for p in Person.objects.filter(employee_id__in=wanted)}
    missing = [e for e in wanted if e not in people]
    if missing:
        raise InvalidInput(_("Not on the roster: %(ids)s.")
                           % {"ids": ", ".join(missing[:5]) + ("…" if len(missing) > 5 else "")})
    # A session is its course's program's: its attendees are that program's people.
    elsewhere = [e for e, p in people.items() if p.program_id != session.course.program_id]
    if elsewhere:
        raise InvalidInput(_("Of another hospital's program, so not recorded at this session: %(ids)s.")
                           % {"ids": ", ".join(elsewhere[:5]) + ("…" if len(elsewhere) > 5 else "")})
    try:
        return _record(actor, session, people, completed)
    except IntegrityError:
        # Where the session's row lock is not enough (SQLite has none), the unique constraint is.
        raise Conflict(_("Someone recorded attendance of this session at the same moment; try again.")) from None


def _record(actor: User | None, session: Session, people: dict[str, Person], completed: bool) -> AttendanceCounts:
    course = session.course
    trained_on = timezone.localdate(session.starts_at)
    now = timezone.now()
    person_ids = [p.pk for p in people.values()]
    with transaction.atomic():
        Session.objects.select_for_update().filter(pk=session.pk).first()  # one recorder at a time
        existing = set(Attendance.objects.filter(session=session, person_id__in=person_ids)
                       .values_list("person_id", flat=True))
        new = [pk for pk in person_ids if pk not in existing]
        Attendance.objects.bulk_create([
            Attendance(session=session, person_id=pk, kind=course.kind, trained_on=trained_on,
                       completed=completed, recorded_at=now, recorded_by=actor)
            for pk in new
        ])
        updated = Attendance.objects.filter(session=session, person_id__in=existing).exclude(
            completed=completed).update(completed=completed, recorded_at=now, recorded_by=actor)
        resumed = 0
        supporter_ids: list[int] = []
        if completed:
            supporters = Supporter.objects.filter(person_id__in=person_ids)
            if course.kind == CourseKind.INITIAL:
                supporter_ids += list(supporters.filter(trained_on__isnull=True).values_list("pk", flat=True))
                supporters.filter(trained_on__isnull=True).update(trained_on=trained_on, updated_at=now)
            paused = list(RefresherPause.objects.filter(supporter__person_id__in=person_ids)
                          .values_list("supporter_id", flat=True))
            if paused:
                resumed = Supporter.objects.filter(pk__in=paused, status=SupporterStatus.PAUSED).update(
                    status=SupporterStatus.ACTIVE, updated_at=now)
                RefresherPause.objects.filter(supporter_id__in=paused).delete()
                supporter_ids += paused
        if supporter_ids:
            matching_version_bump(supporter_ids)
        _send_evaluation_links(session, [p for p in people.values() if p.pk in set(new)])
        audit_record(actor=actor, action="training.attendance", obj=session,
                     detail={"added": len(new), "updated": updated, "completed": completed, "resumed": resumed})
    return AttendanceCounts(added=len(new), updated=updated, resumed=resumed)


def _send_evaluation_links(session: Session, people: list[Person]) -> None:
    drafts = []
    for person in people:
        if not person.email:
            continue
        subject, body = _render("evaluation", {
            "first_name": first_name(person.name), "course": session.course.name,
            "session_day": timezone.localtime(session.starts_at),
            "url": evaluation_url(session_id=session.pk, person_id=person.pk),
        }, person)
        drafts.append(Draft("training_evaluation", person.email, subject, body))
    outbox_enqueue_all(drafts)


# Settings ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrainingSettingsInput:
    refresher_months: int
    notice_days: int
    pause_when_overdue: bool


def training_settings_update(*, actor: User, data: TrainingSettingsInput) -> TrainingSettings:
    """The actor's program's training rules."""
    if not 1 <= data.refresher_months <= 60:
        raise InvalidInput(_("A refresher falls due 1 to 60 months after the last training."))
    if not 1 <= data.notice_days <= 120:
        raise InvalidInput(_("The notice comes 1 to 120 days before the refresher is due."))
    with transaction.atomic():
        rules, _created = TrainingSettings.objects.update_or_create(program_id=actor.program_pk, defaults={
            "refresher_months": data.refresher_months, "notice_days": data.notice_days,
            "pause_when_overdue": data.pause_when_overdue})
        audit_record(actor=actor, action="training.settings", obj=rules,
                     detail={"refresher_months": rules.refresher_months, "notice_days": rules.notice_days,
                             "pause_when_overdue": rules.pause_when_overdue})
    return rules


# Evaluations ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvaluationLink:
    session: Session
    nonce: str


def evaluation_link_open(token: str) -> EvaluationLink:
    """The session a link evaluates; LinkRefused(TAMPERED, EXPIRED or USED) if it may not be used."""
    payload = open_link(EVALUATION, token)
    session_id, person_id = payload.get("s"), payload.get("p")
    if not isinstance(session_id, int) or not isinstance(person_id, int):
        raise LinkRefused(TAMPERED)
    session = Session.objects.select_related("course").filter(pk=session_id).first()
    if session is None:
        raise LinkRefused(TAMPERED)
    if link_was_used(payload["n"]):
        raise LinkRefused(USED)
    return EvaluationLink(session=session, nonce=payload["n"])


@dataclass(frozen=True)
class EvaluationInput:
    usefulness: int
    readiness: int
    pace: str


def evaluation_submit(*, link: EvaluationLink, data: EvaluationInput) -> None:
    """Keep one attendee's answers, without who gave them; the link is used up."""
    if (data.usefulness not in Usefulness.values or data.readiness not in Agreement.values
            or data.pace not in Pace.values):
        raise InvalidInput(_("Choose one answer to each question."))
    try:
        with transaction.atomic():
            use_link(EVALUATION, link.nonce)
            Evaluation.objects.create(session=link.session, usefulness=data.usefulness,
                                      readiness=data.readiness, pace=data.pace)
            audit_record(actor=None, action="training.evaluation", obj=link.session)
    except IntegrityError:  # pragma: no cover - the nonce's own insert raises LinkRefused first
        raise LinkRefused(USED) from None
