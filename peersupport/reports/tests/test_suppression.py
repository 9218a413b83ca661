"""The suppression engine: random small programs, checked by solving the published constraints."""

import os
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peersupport.reports.layout import Grid
from peersupport.reports.periods import Kind, Period, month_range
from peersupport.reports.suppression import Problem, pinned_down, primary, suppress

# Random programs per property in `make test`; `make test-fuzz` runs 200 (SUPPRESSION_EXAMPLES).
EXAMPLES = int(os.environ.get("SUPPRESSION_EXAMPLES", "15"))


@st.composite
def programs(draw: st.DrawFn) -> Grid:
    rows = draw(st.integers(1, 3))
    columns = draw(st.integers(1, 3))
    first = draw(st.integers(0, 11))
    length = draw(st.integers(1, 8))
    start = Period(date(2024, 1, 1), Kind.MONTH)
    for _ in range(first):
        start = start.next()
    end = start
    for _ in range(length - 1):
        end = end.next()
    months = month_range(start, end)
    count = st.integers(0, 14)
    counts = [[[draw(count) for _ in months] for _ in range(columns)] for _ in range(rows)]
    return Grid(months=months, rows=rows, columns=columns, counts=counts,
                threshold=draw(st.integers(2, 11)), with_row_totals=draw(st.booleans()))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_no_hidden_figure_can_be_pinned_down_by_the_published_ones(grid: Grid) -> None:
    problem = grid.problem
    hidden = suppress(problem)
    assert primary(problem) <= hidden
    for index in hidden:
        assert not pinned_down(problem, hidden, index), grid.keys[index]


@settings(max_examples=EXAMPLES, deadline=None)
@given(programs())
def test_every_small_count_is_hidden_in_every_period_it_is_published(grid: Grid) -> None:
    counts = {key: grid.problem.value(i) for i, key in enumerate(grid.keys)}
    for key, value in counts.items():
        if 0 < value < grid.threshold:
            assert key in grid.hidden_keys


def test_a_small_cell_hides_a_sibling_so_the_row_total_does_not_give_it_away() -> None:
    # Two cells, a published total: hiding the 3 alone leaves it as 30 - 27.
    problem = Problem(counts=[3, 27], aggregates=[frozenset({0}), frozenset({1}), frozenset({0, 1})],
                      threshold=11)
    hidden = suppress(problem)
    assert hidden == {0, 1}
    assert not pinned_down(problem, hidden, 0)


def test_a_small_month_is_protected_against_the_quarter_minus_the_other_months() -> None:
    months = month_range(Period(date(2025, 1, 1), Kind.MONTH), Period(date(2025, 3, 1), Kind.MONTH))
    grid = Grid(months=months, rows=1, columns=1, counts=[[[4, 20, 30]]], threshold=11)
    january, february = months[0], months[1]
    assert (january, 0, 0) in grid.hidden_keys
    assert (february, 0, 0) in grid.hidden_keys  # the smallest other month, or the quarter reveals January
    for index in suppress(grid.problem):
        assert not pinned_down(grid.problem, suppress(grid.problem), index)


def test_zeros_are_shown_and_hide_nothing() -> None:
    problem = Problem(counts=[0, 0, 15], aggregates=[frozenset({0}), frozenset({1}), frozenset({2}),
                                                       frozenset({0, 1, 2})], threshold=11)
    assert suppress(problem) == set()
