"""The suppression engine: random small programs, checked by solving the published constraints."""

import os
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peersupport.reports.layout import Grid, JointProblem, Variant, joint_problem
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


# Families of tables: random programs whose records have several dimensions (say event category,
# role and site), one table by each, all suppressed together.

DIMENSION_VALUES = ["a", "b", "c"]


@st.composite
def families(draw: st.DrawFn) -> JointProblem:
    dimensions = draw(st.integers(2, 3))
    values = [DIMENSION_VALUES[:draw(st.integers(1, 3))] for _ in range(dimensions)]
    columns = ["x", "y"][:draw(st.integers(1, 2))]
    start = Period(date(2024, 1, 1), Kind.MONTH)
    for _ in range(draw(st.integers(0, 11))):
        start = start.next()
    months = [start]
    for _ in range(draw(st.integers(0, 4))):
        months.append(months[-1].next())
    place = st.tuples(st.tuples(*(st.sampled_from(v) for v in values)), st.sampled_from(columns),
                      st.sampled_from(months))
    counts = draw(st.dictionaries(place, st.integers(1, 14), max_size=10))
    variants = [Variant(f"by_{d}", d, tuple(columns), draw(st.booleans())) for d in range(dimensions)]
    return joint_problem(months, variants, dict(counts), draw(st.integers(2, 11)))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(families())
def test_no_hidden_figure_of_any_table_of_a_family_can_be_pinned_down_by_all_their_published_ones(
        joint: JointProblem) -> None:
    problem = joint.problem
    hidden = suppress(problem)
    assert primary(problem) <= hidden
    for index in hidden:
        assert not pinned_down(problem, hidden, index), joint.keys[index]
    # Every table's small figures are hidden, in every table they appear in.
    for index, keys in enumerate(joint.keys):
        if 0 < problem.value(index) < problem.threshold:
            assert index in hidden, keys


def test_tables_suppressed_one_by_one_give_a_figure_away_that_joint_suppression_keeps() -> None:
    # By category: A 3, B 20, C 12 (hide A, and C the smallest other, against the total 35).
    # By role: X 23 (the A and B clinicians), Y 12 (the C ones): nothing small, so all shown.
    # Together: B (20) and X (23) give A away as 3.
    april = Period(date(2025, 4, 1), Kind.MONTH)
    counts = {(("A", "X"), "n", april): 3, (("B", "X"), "n", april): 20, (("C", "Y"), "n", april): 12}
    by_category, by_role = Variant("by_category", 0, ("n",), False), Variant("by_role", 1, ("n",), False)
    joint = joint_problem([april], [by_category, by_role], counts, 11)
    alone: set[tuple[str, Period, str | None, str | None]] = set()
    for variant in (by_category, by_role):
        one = joint_problem([april], [variant], counts, 11)
        alone |= {key for i in suppress(one.problem) for key in one.keys[i]}
    hidden_alone = {i for i, keys in enumerate(joint.keys) if set(keys) & alone}
    a = next(i for i, keys in enumerate(joint.keys) if ("by_category", april, "A", "n") in keys)
    assert a in hidden_alone and pinned_down(joint.problem, hidden_alone, a)
    hidden = suppress(joint.problem)
    assert not any(pinned_down(joint.problem, hidden, i) for i in hidden)
    # A figure two tables share is one figure: hidden in both or shown in both.
    c = next(i for i, keys in enumerate(joint.keys) if ("by_category", april, "C", "n") in keys)
    assert ("by_role", april, "Y", "n") in joint.keys[c]


PROGRAM_NAMES = ["riverside", "lakeside", "hillcrest"]


@st.composite
def systems(draw: st.DrawFn) -> tuple[JointProblem, dict[str, int], int]:
    """A health system's family: random programs, each with its own threshold, its tables beside
    the tables across programs, as `tables.family_joint` makes them (the program is the last
    dimension of every record)."""
    names = PROGRAM_NAMES[:draw(st.integers(1, 3))]
    thresholds = {name: draw(st.integers(2, 11)) for name in names}
    dimensions = draw(st.integers(1, 2))
    values = [DIMENSION_VALUES[:draw(st.integers(1, 3))] for _ in range(dimensions)]
    columns = ["x", "y"][:draw(st.integers(1, 2))]
    start = Period(date(2024, 1, 1), Kind.MONTH)
    for _ in range(draw(st.integers(0, 11))):
        start = start.next()
    months = [start]
    for _ in range(draw(st.integers(0, 3))):
        months.append(months[-1].next())
    place = st.tuples(st.tuples(*(st.sampled_from(v) for v in values), st.sampled_from(names)),
                      st.sampled_from(columns), st.sampled_from(months))
    counts = draw(st.dictionaries(place, st.integers(1, 14), max_size=12))
    row_totals = [draw(st.booleans()) for _ in range(dimensions)]
    variants = [Variant(f"by_{d}", d, tuple(columns), row_totals[d]) for d in range(dimensions)]
    variants += [Variant(f"by_{d}@{name}", d, tuple(columns), row_totals[d], program=name)
                 for name in names for d in range(dimensions)]
    combined = max(thresholds.values())
    joint = joint_problem(months, variants, dict(counts), combined, tuple(thresholds.items()))
    return joint, thresholds, combined


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(systems())
def test_no_hidden_figure_of_any_program_or_the_combined_tables_can_be_pinned_down_by_all_published(
        system: tuple[JointProblem, dict[str, int], int]) -> None:
    joint, thresholds, combined = system
    problem = joint.problem
    hidden = suppress(problem)
    assert primary(problem) <= hidden
    # Subtracting one program's published figures from the system's (or any other combination of
    # everything published, side by side and combined) pins no hidden figure down.
    for index in hidden:
        assert not pinned_down(problem, hidden, index), joint.keys[index]
    # Each program's small figures are hidden below its own threshold, the combined ones below the
    # largest of the programs'.
    for index, keys in enumerate(joint.keys):
        value = problem.value(index)
        for name, *_ in keys:
            threshold = thresholds[name.split("@")[1]] if "@" in name else combined
            if 0 < value < threshold:
                assert index in hidden, keys


def test_programs_suppressed_apart_give_a_figure_away_that_the_system_suppressed_as_one_keeps() -> None:
    # Riverside: event X 3, Y 20 (hide X, and Y against Riverside's total 23). Lakeside: X 12, Y 12.
    # Combined: X 15, Y 32, nothing small. Apart: combined X (15) minus Lakeside's X (12) is 3.
    april = Period(date(2025, 4, 1), Kind.MONTH)
    counts = {(("X", "riverside"), "n", april): 3, (("Y", "riverside"), "n", april): 20,
              (("X", "lakeside"), "n", april): 12, (("Y", "lakeside"), "n", april): 12}
    combined = Variant("by_event", 0, ("n",), False)
    programs_ = [Variant(f"by_event@{name}", 0, ("n",), False, program=name) for name in ("riverside", "lakeside")]
    thresholds = (("riverside", 11), ("lakeside", 11))
    apart: set[tuple[str, Period, str | None, str | None]] = set()
    for variant in (combined, *programs_):
        one = joint_problem([april], [variant], counts, 11, thresholds)
        apart |= {key for i in suppress(one.problem) for key in one.keys[i]}
    joint = joint_problem([april], [combined, *programs_], counts, 11, thresholds)
    hidden_apart = {i for i, keys in enumerate(joint.keys) if set(keys) & apart}
    x = next(i for i, keys in enumerate(joint.keys) if ("by_event@riverside", april, "X", "n") in keys)
    assert x in hidden_apart and pinned_down(joint.problem, hidden_apart, x)
    hidden = suppress(joint.problem)
    assert x in hidden
    assert not any(pinned_down(joint.problem, hidden, i) for i in hidden)
    # The combined X is hidden too now, or Lakeside's X: one of them must go.
    combined_x = next(i for i, keys in enumerate(joint.keys) if ("by_event", april, "X", "n") in keys)
    lakeside_x = next(i for i, keys in enumerate(joint.keys) if ("by_event@lakeside", april, "X", "n") in keys)
    assert {combined_x, lakeside_x} & hidden


def test_a_program_s_own_threshold_applies_to_its_figures_and_the_largest_to_the_combined() -> None:
    april = Period(date(2025, 4, 1), Kind.MONTH)
    counts = {(("X", "riverside"), "n", april): 6, (("Y", "riverside"), "n", april): 30,
              (("X", "lakeside"), "n", april): 2, (("Y", "lakeside"), "n", april): 30}
    variants = [Variant("by_event", 0, ("n",), False),
                *(Variant(f"by_event@{name}", 0, ("n",), False, program=name) for name in ("riverside", "lakeside"))]
    # Riverside hides below 5, Lakeside below 11: the combined X (8) is below 11, so hidden.
    joint = joint_problem([april], variants, counts, 11, (("riverside", 5), ("lakeside", 11)))
    by_key = {key: i for i, keys in enumerate(joint.keys) for key in keys}
    first = primary(joint.problem)
    assert by_key[("by_event@riverside", april, "X", "n")] not in first  # 6, at or above Riverside's 5
    assert by_key[("by_event@lakeside", april, "X", "n")] in first  # 2
    assert by_key[("by_event", april, "X", "n")] in first  # 8, below the largest, 11
