"""The demo's part of the peers' feedback: a year of answers from peers whose cases closed.

The answers are made directly, as the form would have kept them (month, kind of event, choices):
they name no case, so there is nothing to tie them to the demo's own closed cases. Their mix gives
"88% said it helped" over the past twelve months, the default period of the report, with one
rarer answer (a "No" to recommending) shown as "<11".
"""

import random
from datetime import date, datetime

from django.utils import timezone

from peersupport.feedback.models import FeedbackAnswer, Helped, Recommend, Timely, UsefulResource
from peersupport.feedback.selectors import past_twelve_months
from peersupport.referrals.models import Category
from peersupport.resources.models import ResourceCategory

PER_MONTH = 10
HELPED: dict[str, int] = {Helped.YES: 80, Helped.A_LITTLE: 26, Helped.NO: 14}
RECOMMEND: dict[str, int] = {Recommend.YES: 92, Recommend.MAYBE: 20, Recommend.NO: 8}
TIMELY: dict[str, int] = {Timely.RIGHT_TIME: 95, Timely.TOO_LATE: 14, Timely.TOO_SOON: 11}
CATEGORY_WEIGHTS = {Category.PATIENT_DEATH: 30, Category.ADVERSE_OUTCOME: 28, Category.MEDICAL_ERROR: 18,
                    Category.PATIENT_AGGRESSION: 12, Category.LITIGATION: 5, Category.OTHER: 7}
# How often a peer found each kind of resource useful.
USEFUL_ODDS = {ResourceCategory.COUNSELING: 0.45, ResourceCategory.STRESS_REDUCTION: 0.35,
               ResourceCategory.TIME_OFF: 0.2, ResourceCategory.DISCLOSURE_COACHING: 0.12,
               ResourceCategory.MEDICOLEGAL: 0.08, ResourceCategory.CRISIS: 0.02}


def _pool(counts: dict[str, int], rng: random.Random) -> list[str]:
    values = [value for value, count in counts.items() for _ in range(count)]
    rng.shuffle(values)
    return values


def _scaled(counts: dict[str, int], scale: float, total: int) -> dict[str, int]:
    """The mix for a smaller program: each count scaled, the first choice taking what rounding left."""
    scaled = {value: round(count * scale) for value, count in counts.items()}
    first = next(iter(scaled))
    scaled[first] += total - sum(scaled.values())
    return scaled


def _months(today: date) -> list[date]:
    period = past_twelve_months(today)
    months, day = [], period.start
    while day < period.end:
        months.append(day)
        day = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
    return months


def demo_feedback(*, seed: int, now: datetime, program_id: int, per_month: int = PER_MONTH) -> int:
    """Answers to the program's peers' feedback, `per_month` a month over the past twelve months (a
    hundred and twenty by default); returns the count."""
    rng = random.Random(seed)  # the same demo every time; nothing secret is drawn  # nosec B311
    months = _months(timezone.localdate(now))
    total = per_month * len(months)
    scale = per_month / PER_MONTH
    helped, recommend, timely = (_pool(_scaled(counts, scale, total), rng) for counts in (HELPED, RECOMMEND, TIMELY))
    categories = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()), k=total)
    answers = [
        FeedbackAnswer(program_id=program_id, month=months[index // per_month], category=categories[index],
                       timely=timely[index],
                       helped=helped[index], recommend=recommend[index])
        for index in range(total)
    ]
    FeedbackAnswer.objects.bulk_create(answers)
    marks = [
        UsefulResource(answer=answer, category=kind)
        for answer in answers if answer.helped != Helped.NO
        for kind, odds in USEFUL_ODDS.items() if rng.random() < odds
    ]
    UsefulResource.objects.bulk_create(marks)
    return total
