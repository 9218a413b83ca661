"""The joint plan is optimal: on random medium instances it assigns as many cases, and reaches
the same total score in cents, as an exact integer program solved by scipy's `milp`."""

from __future__ import annotations

import random

import pytest

from peersupport.matching.core import plan
from peersupport.matching.tests.exact import milp_optimum, plan_value, random_instance

SEEDS = range(12)


@pytest.mark.parametrize("signed_weights", [False, True], ids=["program-weights", "signed-weights"])
@pytest.mark.parametrize("one_peer", [True, False], ids=["one-peer-per-event", "shared-supporters"])
@pytest.mark.parametrize("seed", SEEDS)
def test_plan_assigns_as_many_cases_and_as_many_cents_as_the_exact_solver(
    seed: int, one_peer: bool, signed_weights: bool
) -> None:
    sizes = random.Random(seed)
    cases, supporters, rules = random_instance(
        seed, sizes.randint(5, 40), sizes.randint(20, 200), one_peer=one_peer, signed_weights=signed_weights
    )

    chosen = plan(cases, supporters, rules)

    assert plan_value(chosen, cases, supporters, rules) == milp_optimum(cases, supporters, rules)


@pytest.mark.parametrize("signed_weights", [False, True], ids=["program-weights", "signed-weights"])
@pytest.mark.parametrize("one_peer", [True, False], ids=["one-peer-per-event", "shared-supporters"])
def test_plan_is_optimal_when_supporters_are_scarcer_than_cases(one_peer: bool, signed_weights: bool) -> None:
    # 40 peers and 20 supporters: not every case can be assigned, so who goes where matters.
    cases, supporters, rules = random_instance(99, 40, 20, one_peer=one_peer, signed_weights=signed_weights)

    chosen = plan(cases, supporters, rules)

    optimum = milp_optimum(cases, supporters, rules)
    assert optimum.assigned < len(cases)
    assert plan_value(chosen, cases, supporters, rules) == optimum
