"""Referrals by source month by month beside the publicity dates: grouped counts, suppression, chart."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from peersupport.cases.models import Case
from peersupport.program.models import Program, ProgramSettings
from peersupport.publicity.chart import build_chart
from peersupport.publicity.selectors import month_starts, referrals_by_source, suppress_grid
from peersupport.publicity.testing import make_place, make_publicity_date
from peersupport.referrals.models import Referral
from peersupport.testing.factories import make_person

TODAY = date(2026, 11, 15)
SELF, COLLEAGUE, SAFETY, OPT_IN, LEADER = range(5)


def add_referrals(day: date, source: str, count: int, *, site: str = "") -> None:
    """`count` referrals of one peer each, of the program of the peer's site (the default one)."""
    received = datetime(day.year, day.month, day.day, 15, tzinfo=UTC)
    referrals = Referral.objects.bulk_create([
        Referral(category="other", occurred_on=day, summary="A hard shift.", source=source, received_at=received)
        for _ in range(count)
    ])
    peer = make_person(site=site)
    Case.objects.bulk_create([Case(referral=r, peer=peer, program_id=peer.program_id) for r in referrals])


def default_program_id() -> int:
    return Program.default().pk


def texts(timeline, month: date) -> list[str]:
    row = next(r for r in timeline.rows if r.month == month)
    return [cell.text for cell in row.cells]


def test_months_are_counted_by_source_in_one_grouped_query(db, django_assert_max_num_queries):
    add_referrals(date(2026, 9, 3), "self", 14)
    add_referrals(date(2026, 9, 20), "colleague", 12)
    add_referrals(date(2026, 10, 1), "self", 20)
    add_referrals(date(2026, 10, 9), "safety_report_opt_in", 11)
    add_referrals(date(2025, 10, 9), "self", 40)  # before the twelve months shown
    ProgramSettings.current()  # the settings row, made on first use
    program_id = default_program_id()
    with django_assert_max_num_queries(3):  # the settings, the grouped counts, the publicity dates
        timeline = referrals_by_source(program_id=program_id, months=12, today=TODAY)
    assert timeline.months[0] == date(2025, 12, 1) and timeline.months[-1] == date(2026, 11, 1)
    assert texts(timeline, date(2026, 9, 1)) == ["14", "12", "0", "0", "0"]
    assert texts(timeline, date(2026, 10, 1)) == ["20", "0", "0", "11", "0"]
    assert [cell.text for cell in timeline.totals] == ["34", "12", "0", "11", "0"]


def test_a_small_count_is_hidden_and_so_is_the_next_count_that_would_give_it_away(db):
    add_referrals(date(2026, 9, 3), "self", 3)  # small
    add_referrals(date(2026, 10, 3), "self", 15)
    add_referrals(date(2026, 11, 3), "self", 30)
    add_referrals(date(2026, 9, 4), "colleague", 25)
    timeline = referrals_by_source(program_id=default_program_id(), months=12, today=TODAY)
    # Down the column: the 3 and the next smallest, 15, so the total does not give the 3 away;
    # across September: the 3 and the colleagues' 25, so September's total elsewhere does not.
    assert texts(timeline, date(2026, 9, 1))[:2] == ["<11", "<11"]
    assert texts(timeline, date(2026, 10, 1))[SELF] == "<11"
    assert texts(timeline, date(2026, 11, 1))[SELF] == "30"
    assert timeline.totals[SELF].text == "48"
    page_values = [cell.value for row in timeline.rows for cell in row.cells]
    assert 3 not in page_values and 15 not in page_values and 25 not in page_values


def test_the_threshold_is_the_programs(db):
    program = ProgramSettings.current()
    program.small_count_threshold = 5
    program.save()
    add_referrals(date(2026, 9, 3), "self", 6)
    add_referrals(date(2026, 10, 3), "self", 4)
    add_referrals(date(2026, 10, 3), "colleague", 9)
    timeline = referrals_by_source(program_id=default_program_id(), months=12, today=TODAY)
    assert texts(timeline, date(2026, 9, 1))[SELF] == "<5"
    assert texts(timeline, date(2026, 10, 1))[:2] == ["<5", "<5"]


def test_a_column_with_nothing_else_to_hide_hides_its_total():
    counts = [[4, 0], [0, 30], [0, 0]]
    hidden, total_hidden = suppress_grid(counts, 11)
    assert hidden[0][0] and total_hidden[0]
    assert not hidden[1][1] and not total_hidden[1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=5, max_size=5), min_size=1, max_size=12),
       st.integers(2, 15))
def test_no_hidden_count_is_alone_in_its_column_or_its_month(counts, threshold):
    hidden, total_hidden = suppress_grid(counts, threshold)
    for i, row in enumerate(counts):
        for j, count in enumerate(row):
            if 0 < count < threshold:
                assert hidden[i][j], "every small count is hidden"
            if count == 0:
                assert not hidden[i][j], "a zero describes no one and is shown"
    for j in range(5):
        column_hidden = [i for i in range(len(counts)) if hidden[i][j]]
        total = sum(row[j] for row in counts)
        if 0 < total < threshold:
            assert total_hidden[j]
        if not total_hidden[j]:
            assert len(column_hidden) != 1, "a shown total would give a lone hidden count away"
    for i, row in enumerate(counts):
        row_hidden = [j for j in range(5) if hidden[i][j]]
        others = [j for j in range(5) if row[j] > 0 and not hidden[i][j]]
        assert len(row_hidden) != 1 or not others, "a month's total would give a lone hidden count away"


def test_publicity_dates_are_marked_in_their_month_on_the_chart_and_in_the_table(db):
    rounds = make_place("Grand rounds")
    make_publicity_date(rounds, date(2026, 9, 16))
    make_publicity_date(make_place("Nursing town hall"), date(2026, 3, 1))
    make_publicity_date(rounds, date(2025, 1, 10))  # before the months shown
    add_referrals(date(2026, 9, 20), "self", 12)
    timeline = referrals_by_source(program_id=default_program_id(), months=12, today=TODAY)
    chart = build_chart(timeline)
    assert [m.text for m in chart.marks] == ["Nursing town hall, March 1, 2026", "Grand rounds, September 16, 2026"]
    september = next(t for t in chart.x_ticks if t.text == "Sep")
    assert chart.marks[1].x == pytest.approx(september.position, abs=chart.width / 12 / 2)
    row = next(r for r in timeline.rows if r.month == date(2026, 9, 1))
    assert [d.place.name for d in row.publicity] == ["Grand rounds"]


def test_a_hidden_count_breaks_its_line_rather_than_being_drawn(db):
    add_referrals(date(2026, 8, 3), "self", 20)
    add_referrals(date(2026, 9, 3), "self", 5)
    add_referrals(date(2026, 10, 3), "self", 25)
    add_referrals(date(2026, 11, 3), "self", 22)
    timeline = referrals_by_source(program_id=default_program_id(), months=4, today=TODAY)
    line = build_chart(timeline).lines[SELF]
    # August (20) is the next smallest, hidden with September's 5: one run, October–November.
    assert len(line.points) == 2 and len(line.segments) == 1


def test_the_page_shows_the_chart_with_its_table_and_the_chosen_months(client, director):
    add_referrals(date.today().replace(day=1), "colleague", 12)
    client.force_login(director)
    html = client.get(reverse("publicity"), {"months": "24"}).content.decode()
    assert 'role="img"' in html and 'aria-labelledby="chart-title chart-desc"' in html
    assert 'data-testid="by-source-table"' in html
    assert html.count("<tr>") >= 24
    assert "Opt-in box on a safety report" in html


def test_a_months_choice_that_is_not_offered_shows_the_default_year(client, director):
    client.force_login(director)
    response = client.get(reverse("publicity"), {"months": "9999"})
    assert response.status_code == 200
    assert response.context["months"] == 12


def test_month_starts_cross_the_new_year():
    assert month_starts(date(2026, 2, 10), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
