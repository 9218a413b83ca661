"""The feedback report: counts per answer per question for a period, small counts hidden.

Every figure is an aggregate of answers that name no one (see `models.py`). Each program sees its
own answers (those of its cases); the system leader sees every program's and all of them together.
Every program's figures and the combined ones are suppressed as one problem, like the report tables
(`reports.suppression`): small counts hidden, and whatever would let one be worked out.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peersupport.feedback.models import HELPED, FeedbackAnswer, Helped, Recommend, Timely, UsefulResource
from peersupport.lib.errors import InvalidInput
from peersupport.lib.i18n import Text
from peersupport.lib.suppression import Cell
from peersupport.program.models import ProgramSettings
from peersupport.reports.rates import rate
from peersupport.reports.suppression import Problem, suppress
from peersupport.reports.tables import combined_threshold, program_thresholds
from peersupport.resources.models import ResourceCategory

NONE_LABEL = _("None of them")
PAST_YEAR = "past-12-months"


@dataclass(frozen=True)
class Period:
    value: str
    label: Any  # a text, or a lazy one shown in the reader's language
    start: date
    # The first day after the period.
    end: date


def _month_after(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _months_after(day: date, count: int) -> date:
    for _step in range(count):
        day = _month_after(day)
    return day


def past_twelve_months(today: date) -> Period:
    """This month and the eleven before it."""
    start = date(today.year - 1, today.month, 1)
    return Period(PAST_YEAR, _("The past 12 months"), _month_after(start), _month_after(today.replace(day=1)))


def parse_period(value: str, today: date | None = None) -> Period:
    """"2026" (a year), "2026-Q4" (a quarter), "2026-11" (a month) or the past twelve months;
    InvalidInput otherwise."""
    if value == PAST_YEAR:
        return past_twelve_months(today or timezone.localdate())
    match = re.fullmatch(r"(\d{4})(?:-Q([1-4])|-(\d{2}))?", value.strip())
    if not match or not 2000 <= int(match[1]) <= 2999:
        raise InvalidInput(gettext("Choose a year, a quarter or a month from the list."))
    year = int(match[1])
    if match[2]:
        quarter = int(match[2])
        start = date(year, 3 * quarter - 2, 1)
        return Period(f"{year}-Q{quarter}", f"Q{quarter} {year}", start, _months_after(start, 3))
    if match[3]:
        month = int(match[3])
        if not 1 <= month <= 12:
            raise InvalidInput(gettext("Choose a year, a quarter or a month from the list."))
        start = date(year, month, 1)
        return Period(f"{year}-{month:02d}", dateformat.format(start, gettext("F Y")), start, _month_after(start))
    return Period(str(year), str(year), date(year, 1, 1), date(year + 1, 1, 1))


def default_period(today: date) -> Period:
    return past_twelve_months(today)


def period_choices(today: date) -> list[tuple[str, Any]]:
    """The periods one may choose: the past twelve months, then, newest first, three years, eight
    quarters and twelve months."""
    years = [parse_period(str(today.year - back)) for back in range(3)]
    quarter = (today.month - 1) // 3 + 1
    quarters = []
    year = today.year
    for _quarter in range(8):
        quarters.append(parse_period(f"{year}-Q{quarter}"))
        quarter, year = (quarter - 1, year) if quarter > 1 else (4, year - 1)
    months = []
    month, year = today.month, today.year
    for _month in range(12):
        months.append(parse_period(f"{year}-{month:02d}"))
        month, year = (month - 1, year) if month > 1 else (12, year - 1)
    return [(PAST_YEAR, past_twelve_months(today).label)] + [
        (title, [(p.value, p.label) for p in periods])
        for title, periods in (("Years", years), ("Quarters", quarters), ("Months", months))]


@dataclass(frozen=True)
class Row:
    label: Text
    cell: Cell


@dataclass(frozen=True)
class Question:
    key: str
    title: Text
    rows: list[Row]
    total: Cell
    # Several choices per answer: the rows may add up to more than the total.
    several: bool = False


@dataclass(frozen=True)
class FeedbackReport:
    period: Period
    threshold: int
    answers: int
    questions: list[Question]
    # "N% said it helped", or None when it would say too much (`_helped_share`).
    helped_percent: int | None


# The questions with one answer each: (key, title, choices), in the report's order.
SINGLE = (
    ("timely", _("Did we reach out at a good time?"), Timely),
    ("helped", _("Did it help?"), Helped),
    ("recommend", _("Would they recommend the program to a colleague?"), Recommend),
)
USEFUL_TITLE = _("Which resources were useful?")
# An answer's place among the atoms: (program id, timely, helped, recommend, found a resource useful).
AnswerAtom = tuple[int, str, str, str, bool]
# A useful-resource mark's: (program id, kind of resource).
MarkAtom = tuple[int, str]


@dataclass(frozen=True)
class FeedbackScope:
    """Whose answers: one program's (its id) or every program's together (None), at a threshold."""

    program_id: int | None
    threshold: int


class _Figures:
    """The period's answers of every program as one suppression problem (`reports.suppression`):
    each program's figures and the figures across programs are published from the same counts, so
    they are hidden together, each at its own threshold (a program's, or the largest for the
    combined), and no figure of one can be worked out from the others by subtraction."""

    def __init__(self, answers: dict[AnswerAtom, int], marks: dict[MarkAtom, int], scopes: list[FeedbackScope]):
        self.answers = sorted(answers.items())
        self.marks = sorted(marks.items())
        self.counts = [n for _, n in self.answers] + [n for _, n in self.marks]
        self.index: dict[frozenset[int], int] = {}
        self.aggregates: list[frozenset[int]] = []
        self.thresholds: list[int] = []
        for scope in scopes:
            for key, _title, choices in SINGLE:
                position = 1 + [k for k, _t, _c in SINGLE].index(key)
                for value in choices.values:
                    self._add(self._answers(scope, lambda atom, v=value, p=position: atom[p] == v), scope)
            self._add(self._answers(scope, lambda atom: True), scope)
            for kind in ResourceCategory.values:
                self._add(self._marks(scope, kind), scope)
            self._add(self._answers(scope, lambda atom: not atom[4]), scope)
        problem = Problem(counts=self.counts, aggregates=self.aggregates, threshold=max(
            (scope.threshold for scope in scopes), default=0), thresholds=self.thresholds)
        self.hidden = suppress(problem) if self.aggregates else set()

    def _answers(self, scope: FeedbackScope, test: Any) -> frozenset[int]:
        return frozenset(i for i, (atom, _) in enumerate(self.answers)
                         if (scope.program_id is None or atom[0] == scope.program_id) and test(atom))

    def _marks(self, scope: FeedbackScope, kind: str) -> frozenset[int]:
        first = len(self.answers)
        return frozenset(first + i for i, (atom, _) in enumerate(self.marks)
                         if (scope.program_id is None or atom[0] == scope.program_id) and atom[1] == kind)

    def _add(self, atoms: frozenset[int], scope: FeedbackScope) -> None:
        """An aggregate that may be published (a zero is always shown, so it is left out); one
        published in several places takes the largest of their thresholds."""
        if not atoms:
            return
        if atoms in self.index:
            i = self.index[atoms]
            self.thresholds[i] = max(self.thresholds[i], scope.threshold)
            return
        self.index[atoms] = len(self.aggregates)
        self.aggregates.append(atoms)
        self.thresholds.append(scope.threshold)

    def cell(self, atoms: frozenset[int], threshold: int) -> Cell:
        if not atoms:
            return Cell(0, "0")
        if self.index[atoms] in self.hidden:
            return Cell(None, f"<{threshold}")
        value = sum(self.counts[i] for i in atoms)
        return Cell(value, f"{value:,}")

    def report(self, period: Period, scope: FeedbackScope) -> "FeedbackReport":
        threshold = scope.threshold
        total_atoms = self._answers(scope, lambda atom: True)
        total = self.cell(total_atoms, threshold)
        questions = []
        for position, (key, title, choices) in enumerate(SINGLE, start=1):
            rows = [Row(label, self.cell(self._answers(scope, lambda atom, v=value, p=position: atom[p] == v),
                                         threshold)) for value, label in choices.choices]
            questions.append(Question(key, title, rows, total))
        useful = [Row(label, self.cell(self._marks(scope, kind), threshold))
                  for kind, label in ResourceCategory.choices]
        useful.append(Row(NONE_LABEL, self.cell(self._answers(scope, lambda atom: not atom[4]), threshold)))
        questions.append(Question("useful", USEFUL_TITLE, useful, total, several=True))
        answers = sum(self.counts[i] for i in total_atoms)
        return FeedbackReport(period, threshold, answers, questions,
                              _helped_share(questions[1], answers, threshold))


def _helped_share(helped: Question, answers: int, threshold: int) -> int | None:
    """The headline share (`reports.rates`: only from at least `threshold` answers), and only when
    every count of the question is shown: the share and the total would otherwise give a hidden
    count away, so a hidden count anywhere in the question makes the numerator hidden."""
    if helped.total.hidden or any(row.cell.hidden for row in helped.rows):
        return rate(None, answers, threshold)
    said_helped = sum(row.cell.value or 0 for row, value in zip(helped.rows, Helped.values, strict=True)
                      if value in HELPED)
    return rate(said_helped, answers, threshold)


def feedback_reports(period: Period, scopes: list[FeedbackScope] | None = None) -> list[FeedbackReport]:
    """The report of each scope for the period (every program's and the combined when no scope is
    given), suppressed together with every program's and the combined figures (`_Figures`): two
    grouped queries, whatever the number of answers."""
    thresholds = dict(program_thresholds())
    every = [FeedbackScope(int(pk), threshold) for pk, threshold in thresholds.items()]
    every.append(FeedbackScope(None, combined_threshold(tuple(thresholds.items()))))
    in_period = FeedbackAnswer.objects.filter(month__gte=period.start, month__lt=period.end)
    answers: dict[AnswerAtom, int] = {
        (program_id, timely, helped, recommend, found): n
        for program_id, timely, helped, recommend, found, n in in_period.annotate(
            found=Exists(UsefulResource.objects.filter(answer=OuterRef("pk")))).order_by()
        .values("program_id", "timely", "helped", "recommend", "found").annotate(n=Count("pk"))
        .values_list("program_id", "timely", "helped", "recommend", "found", "n")}
    marks: dict[MarkAtom, int] = dict(
        ((program_id, category), n) for program_id, category, n in UsefulResource.objects.filter(
            answer__month__gte=period.start, answer__month__lt=period.end).order_by()
        .values("answer__program_id", "category").annotate(n=Count("pk"))
        .values_list("answer__program_id", "category", "n"))
    # A scope asked for at its own threshold (a test's what-if) joins the problem as it is.
    wanted = scopes if scopes is not None else every
    figures = _Figures(answers, marks, [*every, *(scope for scope in wanted if scope not in every)])
    return [figures.report(period, scope) for scope in wanted]


def feedback_report(period: Period, program_id: int | None = None, threshold: int | None = None) -> FeedbackReport:
    """One program's report (its id; None: the default program's), at its threshold (or the one
    given: a test's what-if)."""
    program = ProgramSettings.for_program(program_id)
    scope = FeedbackScope(program.program_id, threshold or program.small_count_threshold)
    return feedback_reports(period, [scope])[0]
