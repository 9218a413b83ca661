"""Reads about training: who has the initial training, when refreshers fall due, what the
evaluations say in aggregate."""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import DateField, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from peersupport.roster.models import Person, Supporter, SupporterStatus
from peersupport.training.models import Attendance, CourseKind, TrainingSettings

# The supporters a refresher applies to: those on the team now, taking cases or paused.
ON_THE_TEAM = (SupporterStatus.ACTIVE, SupporterStatus.PAUSED)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter: 31 Jan + 1 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def initial_training_dates(person_ids: Iterable[int]) -> dict[int, date]:
    """Each person's first completed initial training, for those who have one: one query."""
    rows = (
        Attendance.objects.filter(person_id__in=list(person_ids), kind=CourseKind.INITIAL, completed=True)
        .values("person_id").annotate(first=Min("trained_on")).values_list("person_id", "first")
    )
    return dict(rows)


def has_initial_training(person: Person) -> bool:
    return Attendance.objects.filter(person=person, kind=CourseKind.INITIAL, completed=True).exists()


def _latest_completed() -> Subquery:
    return Subquery(
        Attendance.objects.filter(person_id=OuterRef("person_id"), completed=True)
        .order_by().values("person_id").annotate(latest=Max("trained_on")).values("latest")[:1],
        output_field=DateField(),
    )


def with_last_training(supporters: QuerySet[Supporter]) -> QuerySet[Supporter]:
    """`last_trained_on`: the latest completed training of any kind (the supporter's own
    `trained_on` when none is recorded), one correlated subquery on the attendance index."""
    return supporters.annotate(last_trained_on=Coalesce(_latest_completed(), "trained_on"))


@dataclass(frozen=True)
class RefresherDates:
    """The cut-offs of one day: trained before `overdue_before` is overdue; before `due_soon_before`
    (and not overdue) is due within the notice period."""

    today: date
    months: int
    overdue_before: date
    due_soon_before: date
    # Whose rules these are: the lists below hold that program's supporters only.
    program_id: int

    def due_on(self, last_trained_on: date | None) -> date | None:
        return add_months(last_trained_on, self.months) if last_trained_on else None

    def is_overdue(self, last_trained_on: date | None) -> bool:
        return last_trained_on is None or last_trained_on < self.overdue_before

    def is_due_soon(self, last_trained_on: date | None) -> bool:
        return (last_trained_on is not None and not self.is_overdue(last_trained_on)
                and last_trained_on < self.due_soon_before)


def refresher_dates(today: date, rules: TrainingSettings | None = None) -> RefresherDates:
    """The cut-offs by a program's rules (`TrainingSettings.for_program`); without, the default program's."""
    rules = rules or TrainingSettings.current()
    months = rules.refresher_months
    # Trained on day D, due on D + m months: overdue once today is past that, that is when D is
    # before the day m months ago (a month's end may shift it by a day or two, no more).
    overdue_before = add_months(today, -months)
    due_soon_before = add_months(today + timedelta(days=rules.notice_days), -months)
    return RefresherDates(today=today, months=months, overdue_before=overdue_before,
                          due_soon_before=due_soon_before, program_id=rules.program_id)


def _team_of(dates: RefresherDates) -> QuerySet[Supporter]:
    """The team of the program whose rules `dates` follow."""
    return Supporter.objects.filter(status__in=ON_THE_TEAM, person__program_id=dates.program_id)


def overdue_supporters(dates: RefresherDates) -> QuerySet[Supporter]:
    """Supporters on the team whose refresher is overdue, the longest overdue first."""
    return (
        with_last_training(_team_of(dates))
        .filter(Q(last_trained_on__lt=dates.overdue_before) | Q(last_trained_on__isnull=True))
        .select_related("person").order_by("last_trained_on", "person__name", "pk")
    )


def refresher_candidates(dates: RefresherDates) -> QuerySet[Supporter]:
    """Supporters on the team whose refresher is overdue or due within the notice period."""
    return (
        with_last_training(_team_of(dates))
        .filter(Q(last_trained_on__lt=dates.due_soon_before) | Q(last_trained_on__isnull=True))
        .select_related("person").order_by("pk")
    )


def due_soon_supporters(dates: RefresherDates) -> QuerySet[Supporter]:
    return (
        with_last_training(_team_of(dates))
        .filter(Q(last_trained_on__gte=dates.overdue_before) & Q(last_trained_on__lt=dates.due_soon_before))
        .select_related("person").order_by("last_trained_on", "person__name", "pk")
    )


def training_history(person: Person) -> QuerySet[Attendance]:
    return Attendance.objects.filter(person=person).select_related("session__course").order_by("-trained_on", "-pk")
