"""The timing tables: medians, 90th percentiles and shares within target, by dimension, hidden
behind fewer cases than the threshold, the same after a retention purge."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from peersupport.cases.models import Case, CaseState
from peersupport.cases.retention import retention_purge
from peersupport.program.models import ProgramSettings
from peersupport.reports.measures import (
    MEASURES,
    CaseTimes,
    Targets,
    hours_and_minutes,
    measure_result,
    measure_results,
    median,
    percentile,
    timing_values,
)
from peersupport.reports.periods import Kind, Period
from peersupport.reports.tests.helpers import add_cases

pytestmark = pytest.mark.django_db
APRIL = Period(date(2025, 4, 1), Kind.MONTH)
TARGETS = Targets(assignment_minutes=4 * 60, outreach_minutes=24 * 60)


def timed(minutes: list[tuple[int | None, int | None]], *, month: date = APRIL.start, category: str = "patient_death",
          department: str = "ICU", state: str = CaseState.ASSIGNED, **kwargs) -> list[Case]:
    cases = add_cases(month=month, category=category, state=state, count=len(minutes), **kwargs)
    for case, (to_assignment, to_outreach) in zip(cases, minutes, strict=True):
        Case.objects.filter(pk=case.pk).update(
            minutes_to_assignment=to_assignment, minutes_to_first_outreach=to_outreach,
            peer_role="nurse", peer_department=department, peer_site="North")
    return cases


def rows(name: str, period: Period = APRIL, threshold: int = 11) -> dict[str, list[int | str]]:
    result = measure_result(MEASURES[name], period, threshold)
    return {row.label: row.values for row in [*result.rows, result.total]}


def test_median_and_90th_percentile_on_known_values():
    assert median([5, 1, 3]) == 3
    assert median([1, 2, 3, 10]) == 3  # 2.5, rounded half up
    assert median([10, 20]) == 15
    values = list(range(1, 21))  # 1..20: the 90th percentile is the 18th value
    assert percentile(values, 90) == 18
    assert percentile(list(range(1, 12)), 90) == 10  # 11 values: rank ceil(9.9) = 10
    assert percentile([7], 90) == 7


def test_a_group_of_ten_cases_shows_the_threshold_mark_and_eleven_show_the_figures():
    ten = [CaseTimes("patient_death", "nurse", "ICU", "North", 60 * k, 120 * k) for k in range(1, 11)]
    assert timing_values(ten, TARGETS, 11) == ["<11"] * 6
    eleven = [*ten, CaseTimes("patient_death", "nurse", "ICU", "North", 660, 1320)]
    assert timing_values(eleven, TARGETS, 11) == [360, 600, 36, 720, 1200, 100]  # outreach counts from the assignment


def test_through_the_database_ten_cases_hide_their_row_and_eleven_show_it():
    timed([(30 * k, 60 * k) for k in range(1, 11)], category="litigation")
    timed([(10 * k, 100 * k) for k in range(1, 12)], category="medical_error")
    table = rows("timing_by_category")
    assert table["Litigation"] == ["<11"] * 6
    assert table["Medical error"][:2] == [60, 100]  # median of 10..110, 90th percentile 100
    assert table["Patient death"] == ["<11"] * 6  # no cases at all
    assert table["Total"][0] == 90  # the 11th of 21: 10, 20, 30, 30, 40, 50, 60, 60, 70, 80, 90


def test_the_share_within_target_counts_assignment_from_opening_and_outreach_from_assignment():
    program = ProgramSettings.current()
    program.assignment_due_hours, program.first_outreach_due_hours = 2, 1
    program.save()
    # 12 cases: assigned after 60 (x6) or 180 (x6) minutes; outreach 30 or 90 minutes after that.
    minutes = [(60, 90)] * 3 + [(60, 150)] * 3 + [(180, 210)] * 3 + [(180, 270)] * 3
    timed(minutes, department="Emergency")
    table = rows("timing_by_department")
    assert table["Emergency"][2] == 50  # 6 of 12 assigned within 2 hours
    assert table["Emergency"][5] == 50  # 6 of 12 reached within 1 hour of assignment
    assert list(table) == ["Emergency", "Total"]


def test_a_step_not_yet_taken_counts_for_neither_its_figures_nor_its_share():
    timed([(30, None)] * 11 + [(None, None)] * 3, category="other")
    table = rows("timing_by_category")
    assert table["Other"][:3] == [30, 30, 100]
    assert table["Other"][3:] == ["<11"] * 3


def test_cases_count_in_the_month_they_opened_and_beside_the_previous_period():
    timed([(15, 45)] * 11, month=date(2025, 3, 1))
    timed([(25, 65)] * 12, month=date(2025, 4, 1))
    current, previous = measure_results(MEASURES["timing_by_site"], [APRIL, APRIL.previous()], 11)
    assert current.rows[0].label == previous.rows[0].label == "North"
    assert (current.total.values[0], previous.total.values[0]) == (25, 15)


def test_rows_for_a_free_text_dimension_are_the_values_found_and_blank_is_not_recorded():
    timed([(10, 20)] * 2, department="Surgery")
    timed([(10, 20)] * 2, department="")
    assert list(rows("timing_by_department", threshold=1)) == ["Surgery", "Not recorded", "Total"]


def test_every_timing_figure_reads_the_same_after_a_retention_purge():
    long_ago = (timezone.now() - timedelta(days=5 * 365)).date().replace(day=1)
    for k, case in enumerate(timed([(20 + k, 200 + 7 * k) for k in range(13)], month=long_ago,
                                   state=CaseState.CLOSED, answer="accepted")):
        when = datetime(long_ago.year, long_ago.month, 10, 15, 0, tzinfo=UTC)
        Case.objects.filter(pk=case.pk).update(created_at=when + timedelta(hours=k), closed_at=when + timedelta(days=2))
    period = Period(long_ago.replace(month=1), Kind.YEAR)
    before = {name: rows(name, period) for name in MEASURES if name.startswith("timing")}
    assert before["timing_by_category"]["Patient death"][0] == 26
    assert retention_purge(now=timezone.now()).cases == 13
    assert {name: rows(name, period) for name in MEASURES if name.startswith("timing")} == before


def test_one_query_reads_a_periods_cases_for_a_timing_table(django_assert_max_num_queries):
    timed([(10, 20)] * 12)
    ProgramSettings.current()
    with django_assert_max_num_queries(2):  # the cases, and the program's settings
        measure_result(MEASURES["timing_by_role"], APRIL, threshold=11)


def test_minutes_read_as_hours_and_minutes():
    assert [hours_and_minutes(v) for v in (45, 60, 125, 1500, "<11")] == ["45 min", "1 h", "2 h 5 min",
                                                                           "25 h", "<11"]
