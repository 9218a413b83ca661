"""The feedback report: counts per answer per question for a period, small counts hidden.

Every figure is an aggregate of answers that name no one (see `models.py`), and each question's
column is suppressed like every other figure the program shows (`lib/suppression.py`).
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peersupport.feedback.models import HELPED, FeedbackAnswer, Helped, Recommend, Timely, UsefulResource
from peersupport.lib.errors import InvalidInput
from peersupport.lib.i18n import Text
from peersupport.lib.suppression import Cell, suppress_column
from peersupport.program.models import ProgramSettings
from peersupport.reports.rates import rate
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


def _column(key: str, title: Text, labels: list[tuple[str, Text]], counts: dict[str, int], total: int,
            threshold: int, *, several: bool = False) -> Question:
    cells, total_cell = suppress_column([counts.get(value, 0) for value, _ in labels], total, threshold)
    return Question(key, title, [Row(label, cell) for (_, label), cell in zip(labels, cells, strict=True)],
                    total_cell, several)


def _counts(answers: QuerySet[FeedbackAnswer], field: str) -> dict[str, int]:
    return dict(answers.values_list(field).annotate(n=Count("pk")).order_by().values_list(field, "n"))


def _helped_share(helped: Question, answers: int, threshold: int) -> int | None:
    """The headline share (`reports.rates`: only from at least `threshold` answers), and only when
    every count of the question is shown: the share and the total would otherwise give a hidden
    count away, so a hidden count anywhere in the question makes the numerator hidden."""
    if helped.total.hidden or any(row.cell.hidden for row in helped.rows):
        return rate(None, answers, threshold)
    said_helped = sum(row.cell.value or 0 for row, value in zip(helped.rows, Helped.values, strict=True)
                      if value in HELPED)
    return rate(said_helped, answers, threshold)


def feedback_report(period: Period, program: ProgramSettings | None = None) -> FeedbackReport:
    threshold = (program or ProgramSettings.current()).small_count_threshold
    answers = FeedbackAnswer.objects.filter(month__gte=period.start, month__lt=period.end)
    total = answers.count()
    marks = UsefulResource.objects.filter(answer__month__gte=period.start, answer__month__lt=period.end)
    useful = dict(marks.values_list("category").annotate(n=Count("pk")).order_by().values_list("category", "n"))
    useful["none"] = answers.filter(useful__isnull=True).count() if total else 0
    helped = _column("helped", _("Did it help?"), list(Helped.choices), _counts(answers, "helped"), total, threshold)
    questions = [
        _column("timely", _("Did we reach out at a good time?"), list(Timely.choices), _counts(answers, "timely"),
                total, threshold),
        helped,
        _column("recommend", _("Would they recommend the program to a colleague?"), list(Recommend.choices),
                _counts(answers, "recommend"), total, threshold),
        _column("useful", _("Which resources were useful?"), [*ResourceCategory.choices, ("none", NONE_LABEL)],
                useful, total, threshold, several=True),
    ]
    return FeedbackReport(period, threshold, total, questions, _helped_share(helped, total, threshold))
