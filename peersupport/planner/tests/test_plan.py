"""The planner's arithmetic, on plain numbers: unit tests and properties."""

import math

from hypothesis import given
from hypothesis import strategies as st

from peersupport.planner.plan import (
    Assumptions,
    Department,
    EncounterHistory,
    PlanInput,
    RoleHistory,
    Source,
    make_plan,
    nurse_supporters_needed,
    poisson_quantile,
    recruit_from,
    site_minimum,
    supporters_for,
)

ASSUMED = Assumptions(rates={"physician": 5.0, "nurse": 10.0, "app": 4.0}, encounters_per_case=1.5,
                      minutes_per_encounter=60, case_days=21, available_percent=100, director_base_hours_week=2.0,
                      director_minutes_per_referral=20)


def plan_for(population: dict[str, int], **fields):
    fields.setdefault("case_limit", 2)
    fields.setdefault("threshold", 11)
    return make_plan(PlanInput(population=population, assumptions=fields.pop("assumptions", ASSUMED), **fields))


def test_referrals_hours_supporters_and_director_time_follow_the_formulas():
    plan = plan_for({"physician": 1000, "nurse": 2000})
    assert plan.referrals == 50 + 200
    assert plan.supporter_hours == 250 * 1.5 * 60 / 60
    assert math.isclose(plan.concurrent_cases, 250 * 21 / 365)
    assert plan.peak_cases == poisson_quantile(250 * 21 / 365)
    assert plan.supporters_needed == math.ceil(plan.peak_cases / 2)
    assert math.isclose(plan.director_hours_week, 2.0 + 250 / 52 * 20 / 60)
    assert plan.foryou_supporters == math.ceil(3000 / 70)


def test_a_team_of_which_only_part_is_available_needs_more_supporters():
    part = Assumptions(**{**ASSUMED.__dict__, "available_percent": 80})
    full, partly = plan_for({"nurse": 2000}), plan_for({"nurse": 2000}, assumptions=part)
    assert partly.supporters_needed == math.ceil(full.peak_cases / (2 * 0.8)) >= full.supporters_needed


def test_every_site_where_nurses_work_gets_a_nurse_supporter_even_with_few_referrals():
    assert nurse_supporters_needed(0.5, ASSUMED, 2, 3) == 3
    assert nurse_supporters_needed(500, ASSUMED, 2, 3) == supporters_for(500, ASSUMED, 2)[2] > 3


def test_a_site_with_several_nursing_departments_needs_two_when_no_one_supports_their_own_department():
    assert site_minimum([1, 4, 0], exclude_same_department=True) == 1 + 2
    assert site_minimum([1, 4, 0], exclude_same_department=False) == 1 + 1


def test_the_peak_is_the_95th_percentile_of_cases_open_at_once():
    assert poisson_quantile(0) == 0
    # Poisson(1): P(X<=2) = 0.920, P(X<=3) = 0.981.
    assert poisson_quantile(1.0) == 3
    # A large mean is summed in log space: about mean + 1.645 standard deviations.
    assert abs(poisson_quantile(10_000.0) - (10_000 + 1.645 * 100)) < 3


def test_a_role_uses_its_own_history_only_when_its_count_reaches_the_threshold():
    history = {"physician": RoleHistory(referred=40, people=500), "nurse": RoleHistory(referred=10, people=2000)}
    plan = plan_for({"physician": 1000, "nurse": 2000}, history=history)
    lines = {line.role: line for line in plan.lines}
    assert (lines["physician"].rate, lines["physician"].source) == (8.0, Source.HISTORY)
    # Ten nurses referred is under the threshold of 11: the assumed rate, and the ten are not shown.
    assert (lines["nurse"].rate, lines["nurse"].source) == (10.0, Source.DEFAULT)
    assert plan.rate_sources == {Source.HISTORY, Source.DEFAULT}


def test_a_role_with_fewer_people_than_the_threshold_keeps_the_assumed_rate():
    # 12 referred (some since left) of 9 active people: a rate on a denominator under the
    # threshold is never shown (`reports.rates`), so it is not used either.
    plan = plan_for({"nurse": 9}, history={"nurse": RoleHistory(referred=12, people=9)})
    assert (plan.lines[0].rate, plan.lines[0].source) == (10.0, Source.DEFAULT)


def test_without_a_year_of_history_every_rate_is_the_default():
    plan = plan_for({"physician": 1000, "app": 100})
    assert {line.source for line in plan.lines} == {Source.DEFAULT}


def test_conversations_per_case_and_minutes_come_from_history_when_enough_stand_behind_them():
    plan = plan_for({"physician": 1000}, encounters=EncounterHistory(closed_cases=20, encounters=30, minutes=1350))
    assert (plan.encounters_per_case, plan.encounters_source) == (1.5, Source.HISTORY)
    assert (plan.minutes_per_encounter, plan.minutes_source) == (45, Source.HISTORY)
    few = plan_for({"physician": 1000}, encounters=EncounterHistory(closed_cases=8, encounters=9, minutes=900))
    assert (few.encounters_source, few.minutes_source) == (Source.DEFAULT, Source.DEFAULT)
    assert (few.encounters_per_case, few.minutes_per_encounter) == (1.5, 60)


def test_supporters_to_recruit_is_what_the_team_lacks_and_never_negative():
    assert plan_for({"nurse": 5000}, supporters_now=3).supporters_to_recruit > 0
    assert plan_for({"nurse": 5}, supporters_now=30).supporters_to_recruit == 0


def test_an_empty_population_needs_no_one_but_the_directors_base_time():
    plan = plan_for({"physician": 0})
    assert (plan.referrals, plan.supporter_hours, plan.supporters_needed) == (0, 0, 0)
    assert plan.director_hours_week == 2.0


def test_nurse_supporters_are_sought_first_where_most_nurses_have_fewest_nurse_supporters():
    departments = [Department("ICU", 300, 0), Department("Emergency", 200, 0), Department("Oncology", 300, 3),
                   Department("Clinic", 40, 0)]
    plan = recruit_from(departments, 3)
    # ICU 300 nurses per (0 + 1), then Emergency 200, then ICU again (300 / 2 = 150 > 200 / 2).
    assert [(r.department, r.recruit) for r in plan] == [("ICU", 2), ("Emergency", 1)]


def test_no_department_is_named_when_no_one_more_is_needed():
    assert recruit_from([Department("ICU", 300, 0)], 0) == []
    assert recruit_from([Department("ICU", 0, 0)], 2) == []


populations = st.dictionaries(st.sampled_from(["physician", "nurse", "app"]), st.integers(0, 100_000), min_size=1)
rates = st.floats(0, 100, allow_nan=False)


@given(populations, rates, st.integers(1, 20), st.integers(1, 180))
def test_the_team_always_carries_the_average_load_and_the_sums_add_up(population, rate, limit, days):
    assumed = Assumptions(rates={"physician": rate, "nurse": rate, "app": rate}, encounters_per_case=1.5,
                          minutes_per_encounter=60, case_days=days, available_percent=100, director_base_hours_week=2,
                          director_minutes_per_referral=20)
    plan = plan_for(population, assumptions=assumed, case_limit=limit)
    assert plan.people == sum(population.values())
    assert math.isclose(plan.referrals, sum(line.referrals for line in plan.lines), abs_tol=1e-6)
    assert plan.supporters_needed * limit >= plan.peak_cases >= math.floor(plan.concurrent_cases)
    assert plan.supporters_needed >= max(line.supporters_needed for line in plan.lines)
    assert plan.director_hours_week >= 2


@given(populations, st.sampled_from(["physician", "nurse", "app"]), st.integers(1, 5000))
def test_more_people_never_need_fewer_supporters_or_less_time(population, role, more):
    bigger = {**population, role: population.get(role, 0) + more}
    small, large = plan_for(population), plan_for(bigger)
    assert large.referrals >= small.referrals
    assert large.supporters_needed >= small.supporters_needed
    assert large.director_hours_week >= small.director_hours_week


@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 20)), min_size=1, max_size=30), st.integers(0, 60))
def test_recruiting_asks_for_exactly_the_number_needed_from_departments_with_nurses(rows, more):
    departments = [Department(f"D{i}", nurses, supporters) for i, (nurses, supporters) in enumerate(rows)]
    plan = recruit_from(departments, more)
    with_nurses = any(d.nurses for d in departments)
    assert sum(r.recruit for r in plan) == (more if with_nurses else 0)
    assert all(r.nurses > 0 and r.recruit > 0 for r in plan)
    # The department asked first has the most nurses per nurse supporter (before anyone is added).
    if plan:
        best = max(d.nurses / (d.nurse_supporters + 1) for d in departments if d.nurses)
        assert any(r.nurses / (r.nurse_supporters + 1) == best for r in plan)
