"""The team table: its size and training as they stood at the period's end, its meetings and
on-call coverage; counts shown, rates only on a denominator of at least the threshold."""

from datetime import UTC, date, datetime

import pytest

from peersupport.meetings.models import Invitation
from peersupport.meetings.testing import make_meeting
from peersupport.program.models import Program
from peersupport.reports.measures import MEASURES, measure_result
from peersupport.reports.periods import Kind, Period
from peersupport.reports.team_measures import on_call_hours
from peersupport.roster.models import SupporterStatus
from peersupport.team.models import OnCallMember, OnCallTeam, OnCallWeek
from peersupport.testing.factories import make_supporter
from peersupport.training.models import Attendance, CourseKind

pytestmark = pytest.mark.django_db
APRIL = Period(date(2025, 4, 1), Kind.MONTH)
MAY = Period(date(2025, 5, 1), Kind.MONTH)


def team(period: Period, threshold: int = 11) -> dict[str, int | str]:
    result = measure_result(MEASURES["team"], period, threshold)
    assert result.rows[0].values == result.total.values
    return dict(zip(result.columns, result.total.values, strict=True))


def test_the_team_and_its_training_are_counted_as_they_stood_at_the_periods_end():
    for _ in range(3):
        make_supporter(trained_on=date(2024, 6, 1))
    overdue = make_supporter(trained_on=date(2023, 1, 1))
    make_supporter(trained_on=date(2025, 6, 1))  # joins later
    make_supporter(trained_on=date(2024, 6, 1), status=SupporterStatus.RETIRED)
    make_supporter(trained_on=date(2024, 6, 1), status=SupporterStatus.PAUSED)
    Attendance.objects.create(person=overdue.person, kind=CourseKind.REFRESHER, trained_on=date(2025, 5, 15),
                              legacy=True)
    april = team(APRIL, threshold=1)
    assert (april["supporters"], april["training_current"], april["training_current_percent"]) == (5, 4, 80)
    may = team(MAY, threshold=1)
    assert (may["supporters"], may["training_current"], may["training_current_percent"]) == (5, 5, 100)
    # A team of 5 is shown (it describes the program's team, not peers); its rate is not.
    shown = team(APRIL)
    assert (shown["supporters"], shown["training_current"], shown["training_current_percent"]) == (5, 4, "<11")


def test_meeting_attendance_is_the_share_of_recorded_invitations_who_came():
    supporters = [make_supporter() for _ in range(12)]
    held = make_meeting(starts_at=datetime(2025, 4, 8, 17, tzinfo=UTC), invite=supporters)
    Invitation.objects.filter(meeting=held).update(attended=False)
    Invitation.objects.filter(meeting=held, supporter__in=supporters[:9]).update(attended=True)
    make_meeting(starts_at=datetime(2025, 4, 22, 17, tzinfo=UTC), invite=supporters,
                 cancelled_at=datetime(2025, 4, 1, tzinfo=UTC))
    not_recorded = make_meeting(starts_at=datetime(2025, 4, 29, 17, tzinfo=UTC), invite=supporters)
    april = team(APRIL)
    assert (april["meetings_held"], april["meeting_attendance_percent"]) == (2, 75)  # 9 of 12 recorded
    Invitation.objects.filter(meeting=held, supporter__in=supporters[:2]).update(attended=None)
    assert team(APRIL)["meeting_attendance_percent"] == "<11"  # 7 of 10 recorded: too few
    assert not_recorded.invitations.filter(attended__isnull=False).count() == 0


def test_on_call_coverage_is_the_share_of_the_periods_hours_with_a_supporter_on_the_rota():
    program = Program.default()
    staffed = OnCallTeam.objects.create(program=program, name="Team A")
    OnCallMember.objects.create(team=staffed, supporter=make_supporter())
    empty = OnCallTeam.objects.create(program=program, name="Team B")
    OnCallWeek.objects.create(program=program, starts_on=date(2025, 3, 29), team=staffed)  # April 1 to 4
    OnCallWeek.objects.create(program=program, starts_on=date(2025, 4, 10), team=staffed)  # April 10 to 16
    OnCallWeek.objects.create(program=program, starts_on=date(2025, 4, 20), team=empty)
    assert on_call_hours(APRIL, APRIL.end) == (11 * 24, 30 * 24)
    assert team(APRIL)["on_call_coverage_percent"] == 37  # 11 of 30 days


def test_a_period_under_way_counts_its_hours_up_to_today():
    staffed = OnCallTeam.objects.create(program=Program.default(), name="Team A")
    OnCallMember.objects.create(team=staffed, supporter=make_supporter())
    OnCallWeek.objects.create(program=staffed.program, starts_on=date(2025, 4, 1), team=staffed)
    assert on_call_hours(APRIL, date(2025, 4, 7)) == (7 * 24, 7 * 24)


def test_the_team_table_reads_a_few_queries_whatever_the_team(django_assert_max_num_queries):
    for _ in range(15):
        make_supporter()
    measure_result(MEASURES["team"], APRIL, 11)
    with django_assert_max_num_queries(8):
        measure_result(MEASURES["team"], APRIL, 11)
