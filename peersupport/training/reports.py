"""Evaluations in aggregate, with small counts suppressed.

Per course: for each question, how many chose each answer. A count below the program's threshold
shows as "<11"; when that leaves one hidden count in a question, the next smallest is hidden too,
so no hidden count can be worked out from the total. Per session: only the number of answers and
the averages, and only once the session has at least the threshold's number of answers. Nobody
sees one person's answers: they are not stored with a person at all.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.utils.translation import gettext

from peersupport.program.models import ProgramSettings
from peersupport.training.models import Agreement, Course, Evaluation, Pace, Session, Usefulness


@dataclass(frozen=True)
class Cell:
    label: str
    shown: str  # a count, or "<11"


@dataclass(frozen=True)
class Question:
    title: str
    cells: list[Cell]


@dataclass(frozen=True)
class CourseReport:
    answers: str
    questions: list[Question]
    enough: bool


@dataclass(frozen=True)
class SessionReport:
    session: Session
    answers: str
    usefulness: float | None
    readiness: float | None


def _hidden(threshold: int) -> str:
    return f"<{threshold}"


def suppress(counts: list[int], threshold: int) -> list[str]:
    """Counts as shown: below the threshold hidden, plus the smallest other one when a single
    count would be hidden (it could be recovered as the total minus the others)."""
    hidden = {i for i, count in enumerate(counts) if count < threshold}
    if len(hidden) == 1 and len(counts) > 1:
        others = sorted((count, i) for i, count in enumerate(counts) if i not in hidden)
        hidden.add(others[0][1])
    return [_hidden(threshold) if i in hidden else str(count) for i, count in enumerate(counts)]


def _question(title: str, choices: list[tuple[Any, str]], tally: dict[Any, int], threshold: int) -> Question:
    counts = [tally.get(value, 0) for value, _ in choices]
    return Question(title, [Cell(label, shown) for (_, label), shown in zip(choices, suppress(counts, threshold),
                                                                            strict=True)])


def _labels(choices: list[tuple[Any, Any]]) -> list[tuple[Any, str]]:
    """The choices' labels in the page's language (they are lazy until read)."""
    return [(value, str(label)) for value, label in choices]


def course_report(course: Course, threshold: int | None = None) -> CourseReport:
    threshold = threshold or ProgramSettings.for_program(course.program_id).small_count_threshold
    answers = Evaluation.objects.filter(session__course=course)
    total = answers.count()
    if total < threshold:
        return CourseReport(answers=_hidden(threshold), questions=[], enough=False)

    def tally(field: str) -> dict[Any, int]:
        return dict(answers.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n"))

    questions = [
        _question(gettext("How useful was the session?"), _labels(Usefulness.choices), tally("usefulness"),
                  threshold),
        _question(gettext("I feel ready to support a colleague"), _labels(Agreement.choices), tally("readiness"),
                  threshold),
        _question(gettext("The pace was"), _labels(Pace.choices), tally("pace"), threshold),
    ]
    return CourseReport(answers=str(total), questions=questions, enough=True)


def session_reports(sessions: QuerySet[Session], threshold: int | None = None) -> list[SessionReport]:
    threshold = threshold or ProgramSettings.current().small_count_threshold
    rows = list(sessions.annotate(n=Count("evaluations"), use=Avg("evaluations__usefulness"),
                                  ready=Avg("evaluations__readiness")))
    counts = [session.n for session in rows]
    # The course's total is shown: one hidden session count would be that total minus the rest.
    shown = [value != _hidden(threshold) for value in suppress(counts, threshold)] if len(rows) > 1 else \
        [count >= threshold for count in counts]
    reports = []
    for session, enough in zip(rows, shown, strict=True):
        reports.append(SessionReport(
            session=session,
            answers=str(session.n) if enough else _hidden(threshold),
            usefulness=round(session.use, 1) if enough else None,
            readiness=round(session.ready, 1) if enough else None,
        ))
    return reports
