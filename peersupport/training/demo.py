"""The demo's training: an initial course with two past sessions that the team attended, a
refresher course with a session coming up, materials, evaluations, and one supporter whose
refresher is overdue.

`demo_initial_training` is called by the demo's team builder for each supporter on the team,
just before they join it (the training rule: active only with a recorded initial training);
`demo_training` adds the rest once the team exists."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from peersupport.program.models import Program
from peersupport.roster.models import Person
from peersupport.support.links import sign_link
from peersupport.training.links import EVALUATION
from peersupport.training.models import Attendance, Course, CourseKind, Session
from peersupport.training.refreshers import refresher_step
from peersupport.training.services import (
    EvaluationInput,
    MaterialInput,
    attendance_record,
    evaluation_link_open,
    evaluation_submit,
    material_save,
)

INITIAL_COURSE = "Peer supporter training"
REFRESHER_COURSE = "Yearly refresher: listening under pressure"
# The two initial sessions, days before the demo's today; the overdue supporter trained before
# the program kept records, this many days ago.
SESSION_DAYS_AGO = (250, 80)
OVERDUE_DAYS_AGO = 430
# Of the attendees of each past session (13 each), how many answered the evaluation: both reach
# the program's threshold, so each session's averages show; the rarer answers stay hidden.
ANSWERS = (13, 11)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _initial_sessions(today: date) -> tuple[list[Session], bool]:
    course, created = Course.objects.get_or_create(
        program=Program.default(), name=INITIAL_COURSE, kind=CourseKind.INITIAL,
        defaults={"summary": "Two half days: listening without fixing, the conversation guide, role play in pairs."})
    if created:
        for days_ago in SESSION_DAYS_AGO:
            Session.objects.create(course=course, starts_at=_at(today - timedelta(days=days_ago), 9),
                                   minutes=240, place="Education center, room 2")
    return list(course.sessions.order_by("starts_at")), created


def demo_initial_training(person: Person, *, index: int, now: datetime) -> date:
    """Record this team member's initial training and return its date: the first supporter from
    before records were kept (so their refresher is overdue), the others at one of the two
    initial sessions."""
    today = timezone.localdate(now)
    sessions, first = _initial_sessions(today)
    if first:
        on = today - timedelta(days=OVERDUE_DAYS_AGO)
        Attendance.objects.create(person=person, kind=CourseKind.INITIAL, trained_on=on, legacy=True)
        return on
    session = sessions[index % len(sessions)]
    attendance_record(actor=None, session=session, employee_ids=[person.employee_id])
    return timezone.localdate(session.starts_at)


def demo_training(now: datetime) -> None:
    today = timezone.localdate(now)
    riverside = Program.default()
    refresher = Course.objects.create(program=riverside, name=REFRESHER_COURSE, kind=CourseKind.REFRESHER,
                                      summary="Two hours: what the team learned this year, and practice in pairs.")
    Session.objects.create(course=refresher, starts_at=_at(today + timedelta(days=20), 14), minutes=120,
                           place="North Campus, conference room B")
    initial = Course.objects.get(program=riverside, name=INITIAL_COURSE)
    material_save(actor=None, data=MaterialInput(
        title="The conversation guide, printable", course_id=initial.pk,
        description="The guide's topics on one page, to keep beside the phone."), program_id=riverside.pk)
    material_save(actor=None, data=MaterialInput(
        title="Listening without fixing: a short reading list", course_id=None,
        description="Three short articles the facilitators recommend before a refresher."), program_id=riverside.pk)
    for session, answers in zip(initial.sessions.order_by("starts_at"), ANSWERS, strict=True):
        attendees = list(session.attendance.order_by("pk").values_list("person_id", flat=True))[:answers]
        for n, person_id in enumerate(attendees):
            # Through the attendee's own link, as the public page would take it.
            link = evaluation_link_open(sign_link(EVALUATION, {"s": session.pk, "p": person_id}))
            evaluation_submit(link=link, data=EvaluationInput(
                usefulness=(5, 4, 5, 5, 3, 5)[n % 6], readiness=(4, 4, 5, 3, 4, 5)[n % 6],
                pace=("right", "right", "too_fast", "right", "right")[n % 5]))
    # The overdue supporter was told before the demo began: the reminders job's own step writes
    # the notice, and the demo marks its email sent with the rest of its history.
    refresher_step(now)
