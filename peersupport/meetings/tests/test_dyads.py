"""Properties of the role-play plan (plain data in, rounds out), for any attendees and seed."""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from peersupport.meetings.dyads import MAX_ROUNDS, Round, plan_dyads, rounds_without_repeats

attendee_ids = st.lists(st.integers(min_value=1, max_value=10_000), min_size=2, max_size=60, unique=True)
scenario_ids = st.lists(st.integers(min_value=1, max_value=500), max_size=20, unique=True)
round_counts = st.integers(min_value=1, max_value=MAX_ROUNDS)
seeds = st.integers(min_value=0, max_value=2**31)


def roles(plan: list[Round], person: int) -> list[str]:
    """What the person does in each round: "S" supports, "C" plays the colleague, "O" observes."""
    found = []
    for round_ in plan:
        for group in round_.groups:
            if person == group.supporter:
                found.append("S")
            elif person == group.colleague:
                found.append("C")
            elif person == group.observer:
                found.append("O")
    return found


@given(attendee_ids, scenario_ids, round_counts, seeds)
def test_every_round_covers_everyone_once_and_nobody_practices_alone(people, scenarios, rounds, seed):
    plan = plan_dyads(people, scenarios, rounds=rounds, seed=seed)
    assert len(plan) == rounds
    for round_ in plan:
        members = [m for group in round_.groups for m in group.members]
        assert sorted(members) == sorted(people)
        for group in round_.groups:
            assert len(set(group.members)) == len(group.members)  # never paired with themself
        trios = [g for g in round_.groups if g.observer is not None]
        assert len(trios) == len(people) % 2  # pairs, and one trio when the count is odd


@given(attendee_ids, scenario_ids, round_counts, seeds)
def test_nobody_meets_the_same_partner_twice_while_that_can_be_avoided(people, scenarios, rounds, seed):
    plan = plan_dyads(people, scenarios, rounds=rounds, seed=seed)
    fresh = min(rounds, rounds_without_repeats(len(people)))
    partners = Counter(frozenset((g.supporter, g.colleague)) for r in plan[:fresh] for g in r.groups)
    assert max(partners.values()) == 1
    observers = [g.observer for r in plan[:fresh] for g in r.groups if g.observer is not None]
    assert len(observers) == len(set(observers))  # the trio's observer seat goes round too


@given(attendee_ids, scenario_ids, round_counts, seeds)
def test_roles_switch_every_round(people, scenarios, rounds, seed):
    plan = plan_dyads(people, scenarios, rounds=rounds, seed=seed)
    for person in people:
        sequence = roles(plan, person)
        assert len(sequence) == rounds
        for before, after in zip(sequence, sequence[1:], strict=False):
            assert not (before == after and before in "SC")


@given(attendee_ids, st.lists(st.integers(min_value=1, max_value=500), min_size=2, max_size=20, unique=True),
       round_counts, seeds)
def test_the_scenario_changes_every_round(people, scenarios, rounds, seed):
    plan = plan_dyads(people, scenarios, rounds=rounds, seed=seed)
    used = [r.scenario for r in plan]
    assert all(s in scenarios for s in used)
    assert all(a != b for a, b in zip(used, used[1:], strict=False))
    assert len(set(used)) == min(rounds, len(scenarios))


@given(attendee_ids, scenario_ids, round_counts, seeds)
def test_the_plan_is_the_same_for_the_same_seed_whatever_the_order_given(people, scenarios, rounds, seed):
    first = plan_dyads(people, scenarios, rounds=rounds, seed=seed)
    again = plan_dyads(list(reversed(people)), list(reversed(scenarios)), rounds=rounds, seed=seed)
    assert first == again


def test_fewer_than_two_attendees_get_no_plan():
    assert plan_dyads([], [1], rounds=4, seed=1) == []
    assert plan_dyads([7], [1], rounds=4, seed=1) == []


def test_two_attendees_switch_roles_with_each_other():
    plan = plan_dyads([1, 2], [5], rounds=2, seed=3)
    first, second = (r.groups[0] for r in plan)
    assert (first.supporter, first.colleague) == (second.colleague, second.supporter)
