"""The bulk ranking (`ranking.py`) against the one-pair-at-a-time path (`core.suggest_with_held_back`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from peersupport.matching.core import CaseFacts, Rules, SupporterFacts, suggest_with_held_back
from peersupport.matching.planning import SupporterTable
from peersupport.matching.ranking import place_of, rank
from peersupport.matching.tests.test_properties import cases, rules, supporters
from peersupport.matching.wishes import unmet_wishes, unmet_wishes_among

EXPLAINED = 3


@settings(max_examples=300, deadline=None)
@given(cases(), st.lists(supporters(), max_size=12), rules())
def test_bulk_ranking_gives_exactly_the_one_pair_list_ids_scores_order_and_reasons_of_the_top(
    the_case: CaseFacts, the_supporters: list[SupporterFacts], the_rules: Rules
) -> None:
    expected, expected_held = suggest_with_held_back(the_case, the_supporters, the_rules)
    ranking = rank(the_case, SupporterTable.build(the_supporters, the_rules), the_rules)

    # Every suggestion explained: the very same list, reasons and all.
    assert ranking.suggestions() == expected
    assert ranking.held_back() == expected_held
    assert len(ranking) == len(expected)
    # Reasons for the first few only: the same supporters, order and scores; no reasons after.
    short = ranking.suggestions(explain=EXPLAINED)
    assert [(s.supporter, s.score) for s in short] == [(s.supporter, s.score) for s in expected]
    assert [s.reasons for s in short[:EXPLAINED]] == [s.reasons for s in expected[:EXPLAINED]]
    assert all(s.reasons == () for s in short[EXPLAINED:])
    assert ranking.suggestions(2) == expected[:2]
    # What the case page builds on the list: the unmet wishes and the earlier supporters' places.
    assert unmet_wishes_among(the_case, the_supporters, ranking.suggested_people(), the_rules) == unmet_wishes(
        the_case, the_supporters, expected, the_rules
    )
    wanted = set(the_case.previous_supporter_cases)
    first_places: dict[int, int] = {}
    for place, suggestion in enumerate(expected, start=1):
        if suggestion.supporter.person.person_id in wanted:
            first_places.setdefault(suggestion.supporter.person.person_id, place)
    places = ranking.places(wanted)
    assert set(places) == set(first_places)


@settings(max_examples=300, deadline=None)
@given(cases(), st.lists(supporters(), max_size=12, unique_by=lambda s: s.person.person_id), rules())
def test_place_of_one_supporter_is_their_place_in_the_sorted_list(
    the_case: CaseFacts, the_supporters: list[SupporterFacts], the_rules: Rules
) -> None:
    # The assignment checks one supporter's place without sorting everyone.
    expected, _ = suggest_with_held_back(the_case, the_supporters, the_rules)
    table = SupporterTable.build(the_supporters, the_rules)
    for supporter in the_supporters:
        found = place_of(the_case, table, the_rules, supporter.person.person_id)
        places = [i for i, s in enumerate(expected) if s.supporter.person.person_id == supporter.person.person_id]
        if not places:
            assert found is None
        else:
            assert found is not None
            row, place = found
            assert table.supporters[row] == supporter
            assert place == places[0]


@settings(max_examples=200, deadline=None)
@given(st.lists(supporters(), max_size=12), rules(), st.integers(0, 86_399_999_999), st.booleans())
def test_a_table_moved_to_a_later_moment_of_the_day_is_the_table_built_then(
    the_supporters: list[SupporterFacts], the_rules: Rules, later_us: int, aware: bool
) -> None:
    # The process keeps one table per day and moves it to each request's moment (the
    # server's clock is aware; hand-built facts may be naive).
    start = the_rules.now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=UTC if aware else None)
    then = replace(the_rules, now=start + timedelta(microseconds=later_us))
    moved = SupporterTable.build(the_supporters, replace(the_rules, now=start)).at(then.now)
    built = SupporterTable.build(the_supporters, then)
    assert moved.recency.tolist() == built.recency.tolist()
    assert moved.supporters == built.supporters
