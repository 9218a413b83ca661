"""A program's team figures for a period: its size, training current, meetings, on-call coverage.

These describe the program's own supporters, not the peers they support, so counts are shown
as they are (a team of 8 is "8"); a rate is shown only when its denominator reaches the
program's threshold (`reports.rates`). A handful of queries per period, whatever the roster.

The roster keeps a supporter's status as it is now, not its history: a period's team is the
supporters on the team today (active or paused) who had been trained by the period's end (or
today, for the period under way). Training dates are history, so "training current" is as it
stood on that day. On-call teams keep their members as they are now, too.

A supporter's program is their person's. A program's meetings are those its supporters were invited
to, and its on-call hours those when one of its supporters was on the rota; across programs (the
system leader's combined view), every supporter, meeting and rota week counts once.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Case as When_
from django.db.models import Count, DateField, F, Max, Min, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop

from peersupport.meetings.models import Invitation, Meeting
from peersupport.program.models import Program
from peersupport.reports.periods import Period, period_bounds
from peersupport.reports.rates import rate_or_mark
from peersupport.roster.models import Supporter
from peersupport.team.models import WEEK, OnCallWeek
from peersupport.training.models import Attendance, CourseKind, TrainingSettings
from peersupport.training.selectors import ON_THE_TEAM, refresher_dates

TEAM_ROW = gettext_noop("The team")
TEAM_COLUMNS = [
    ("supporters", gettext_noop("Supporters on the team")),
    ("training_current", gettext_noop("Training current")),
    ("training_current_percent", gettext_noop("Training current (%)")),
    ("meetings_held", gettext_noop("Supporter meetings held")),
    ("meeting_attendance_percent", gettext_noop("Meeting attendance (%)")),
    ("on_call_coverage_percent", gettext_noop("On-call coverage (%)")),
]
TEAM_DESCRIPTION = gettext_noop(
    "The supporters on the team at the period's end, how many had their training current (a "
    "refresher within the program's interval), the supporter meetings held and the share of "
    "invited supporters who came (where attendance was recorded), and the share of the period's "
    "hours with at least one supporter on the on-call rota. Counts of the team are shown; a rate "
    "behind fewer than the threshold is hidden."
)


def as_of(period: Period, today: date | None = None) -> date:
    """The day a period's team is counted on: its last day, or today while it is under way."""
    return min(period.end, today or timezone.localdate())


def _supporters(program_id: int | None) -> QuerySet[Supporter]:
    supporters = Supporter.objects.filter(status__in=ON_THE_TEAM)
    return supporters if program_id is None else supporters.filter(person__program_id=program_id)


def team_training(day: date, program_id: int | None = None) -> tuple[int, int]:
    """(the program's supporters on the team by `day`, of whom with their training current on
    `day` by the program's own refresher rules): one query; every program's together without
    `program_id`, each by its own rules (a query per program)."""
    first_initial = Subquery(
        Attendance.objects.filter(person_id=OuterRef("person_id"), kind=CourseKind.INITIAL, completed=True)
        .order_by().values("person_id").annotate(first=Min("trained_on")).values("first")[:1],
        output_field=DateField())
    latest_by_then = Subquery(
        Attendance.objects.filter(person_id=OuterRef("person_id"), completed=True, trained_on__lte=day)
        .order_by().values("person_id").annotate(latest=Max("trained_on")).values("latest")[:1],
        output_field=DateField())
    if program_id is None:
        # Every program together: each program's supporters by its own training rules.
        programs = Program.objects.order_by("pk").values_list("pk", flat=True)
        each_program = [team_training(day, each) for each in programs]
        return sum(team for team, _ in each_program), sum(current for _, current in each_program)
    overdue_before = refresher_dates(day, TrainingSettings.for_program(program_id)).overdue_before
    counts = (
        _supporters(program_id)
        .annotate(started=Coalesce("trained_on", first_initial),
                  last=Coalesce(latest_by_then, When_(When(trained_on__lte=day, then=F("trained_on")),
                                                      output_field=DateField())))
        # A supporter with no training date at all is on the team in every period.
        .filter(Q(started__lte=day) | Q(started__isnull=True))
        .aggregate(team=Count("pk"), current=Count("pk", filter=Q(last__gte=overdue_before)))
    )
    return counts["team"], counts["current"]


def meetings_and_attendance(period: Period, now: datetime | None = None,
                            program_id: int | None = None) -> tuple[int, int, int]:
    """(meetings held in the period, invitations with attendance recorded, of which came), of the
    meetings the program's supporters were invited to."""
    start, end = period_bounds(period)
    held = Meeting.objects.filter(cancelled_at__isnull=True, starts_at__gte=start, starts_at__lt=end,
                                  ends_at__lte=now or timezone.now())
    invitations = Invitation.objects.all()
    if program_id is not None:
        invitations = invitations.filter(supporter__person__program_id=program_id)
        held = held.filter(pk__in=invitations.values("meeting_id"))
    answered = invitations.filter(meeting__in=held, attended__isnull=False).aggregate(
        recorded=Count("pk"), came=Count("pk", filter=Q(attended=True)))
    return held.count(), answered["recorded"], answered["came"]


def _hours(day: date) -> int:
    """The hours of a day in the program's time zone (23 or 25 when the clocks change)."""
    zone = timezone.get_default_timezone()
    first = timezone.make_aware(datetime.combine(day, time.min), zone)
    after = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)
    return round((after - first).total_seconds() / 3600)


def on_call_hours(period: Period, day: date, program_id: int | None = None) -> tuple[int, int]:
    """(hours of the period up to the end of `day`, of which a rota week with at least one of the
    program's supporters on the team was on call): one query."""
    on_team = Q(team__memberships__supporter__status__in=ON_THE_TEAM)
    if program_id is not None:
        on_team &= Q(team__memberships__supporter__person__program_id=program_id)
    weeks = (OnCallWeek.objects.filter(starts_on__gt=period.start - WEEK, starts_on__lte=day)
             .annotate(members=Count("team__memberships", filter=on_team))
             .filter(members__gt=0).values_list("starts_on", flat=True))
    covered: set[date] = set()
    for starts_on in weeks:
        covered |= {starts_on + timedelta(days=k) for k in range(WEEK.days)}
    total = on_call = 0
    current = period.start
    while current <= day:
        hours = _hours(current)
        total += hours
        on_call += hours if current in covered else 0
        current += timedelta(days=1)
    return on_call, total


def team_values(period: Period, threshold: int, program_id: int | None = None,
                today: date | None = None) -> list[int | str]:
    """The team table's figures of one program (its id), or of every program together (None)."""
    day = as_of(period, today)
    if day < period.start:
        return [0, 0, f"<{threshold}", 0, f"<{threshold}", f"<{threshold}"]
    team, current = team_training(day, program_id)
    held, recorded, came = meetings_and_attendance(period, program_id=program_id)
    covered, hours = on_call_hours(period, day, program_id)
    return [team, current, rate_or_mark(current, team, threshold), held,
            rate_or_mark(came, recorded, threshold), rate_or_mark(covered, hours, threshold)]
