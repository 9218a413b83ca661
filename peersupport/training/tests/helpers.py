import re
from datetime import timedelta

from django.utils import timezone

from peersupport.notifications.models import OutboxMessage
from peersupport.program.models import Program
from peersupport.training.models import Course, CourseKind, Session


def make_course(kind: str = CourseKind.INITIAL, name: str = "Listening to a colleague") -> Course:
    return Course.objects.create(program=Program.default(), name=name, kind=kind)


def make_session(course: Course | None = None, *, days_ago: int = 2, place: str = "Room 4B") -> Session:
    return Session.objects.create(course=course or make_course(), place=place,
                                  starts_at=timezone.now() - timedelta(days=days_ago))


def evaluation_path(email: str) -> str:
    body = OutboxMessage.objects.filter(kind="training_evaluation", to=email).latest("pk").body
    match = re.search(r"https?://\S+?(/training/evaluation/[^/\s]+/)", body)
    assert match, body
    return match.group(1)
