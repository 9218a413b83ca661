"""The joint plan: as many cases assigned as possible, then the best total, within capacity."""

from dataclasses import replace

from peersupport.matching.core import plan, suggest
from peersupport.matching.tests.builders import case, person, rules, supporter

SPECIALTY_ONLY = rules({"rank": 0.0, "on_call": 0.0, "other_site": 0.0, "specialty": 3.0})
# The program's one-peer-per-event rule switched off: a supporter may take several peers.
SHARING = {"one_peer_per_supporter_per_event": False}


def test_plan_assigns_every_case_when_capacity_allows() -> None:
    cases = [case() for _ in range(3)]
    supporters = [supporter(case_limit=2) for _ in range(2)]
    chosen = plan(cases, supporters, rules(**SHARING))
    assert set(chosen) == {c.case_id for c in cases}


def test_plan_never_gives_a_supporter_more_than_their_remaining_slots() -> None:
    cases = [case(person(specialty="Cardiology")) for _ in range(4)]
    star = supporter(person(specialty="Cardiology"), case_limit=3, open_cases=1)
    other = supporter(person(specialty="Urology"), case_limit=5)
    chosen = plan(cases, [star, other], replace(SPECIALTY_ONLY, **SHARING))
    taken = [s.supporter for s in chosen.values()]
    assert taken.count(star) == 2
    assert taken.count(other) == 2


def test_plan_gives_up_one_good_match_to_assign_one_more_case() -> None:
    # Case A could have anyone; case B only the star (the other is B's supervisor). The
    # greedy choice (star for A) would leave B with nobody.
    star = supporter(person(specialty="Cardiology"), case_limit=1)
    other = supporter(person(specialty="Urology"))
    a = case(person(specialty="Cardiology"))
    b = case(person(specialty="Cardiology", supervisor_id=other.person.person_id))
    assert suggest(a, [star, other], SPECIALTY_ONLY)[0].supporter == star
    chosen = plan([a, b], [star, other], SPECIALTY_ONLY)
    assert chosen[a.case_id].supporter == other
    assert chosen[b.case_id].supporter == star


def test_plan_prefers_the_higher_total_over_the_first_case_getting_its_best() -> None:
    # A prefers the star by 3 points, B by 6: the star goes to B.
    star = supporter(person(specialty="Cardiology"), case_limit=1)
    other = supporter(person(specialty="Pediatrics"))
    a = case(person(specialty="Cardiology"))
    b = case(person(specialty="Cardiology"), preferences={"specialty": "cardiology"})
    the_rules = rules({"rank": 0.0, "on_call": 0.0, "other_site": 0.0, "specialty": 3.0, "preference": 3.0})
    chosen = plan([a, b], [star, other], the_rules)
    assert chosen[b.case_id].supporter == star
    assert chosen[a.case_id].supporter == other


def test_plan_assigns_a_case_even_when_its_only_supporter_scores_below_zero() -> None:
    chief = person(rank=5)
    trainee = supporter(person(rank=1))
    chosen = plan([case(chief)], [trainee], rules({"rank": 2.0}))
    assert chosen[next(iter(chosen))].score < 0
    assert [s.supporter for s in chosen.values()] == [trainee]


def test_case_with_no_eligible_supporter_is_left_out_of_the_plan() -> None:
    boss = supporter()
    orphan = case(person(supervisor_id=boss.person.person_id))
    fine = case()
    chosen = plan([orphan, fine], [boss], rules())
    assert list(chosen) == [fine.case_id]


def test_plan_of_nothing_is_empty() -> None:
    assert plan([], [supporter()], rules()) == {}
    assert plan([case()], [], rules()) == {}
    assert plan([case()], [supporter(status="retired")], rules()) == {}


def test_plan_suggestion_is_the_same_as_the_single_case_suggestion() -> None:
    peer = person(specialty="General Surgery", rank=4, site="North")
    the_case = case(peer, category="litigation", interventional=True, preferences={"gender": "female"})
    candidates = [
        supporter(
            person(specialty="Orthopedic Surgery", rank=3, site="South", gender="Female"),
            experience=frozenset({"litigation"}),
            open_cases=1,
            on_call=True,
        ),
        supporter(person(specialty="General Surgery", rank=2, interventional=True)),
    ]
    the_rules = rules({"load": 2.0, "recency": 1.0})
    [chosen] = plan([the_case], candidates, the_rules).values()
    best = suggest(the_case, candidates, the_rules)[0]
    assert chosen == best


def test_plan_for_many_cases_keeps_only_the_best_candidates_without_losing_the_optimum() -> None:
    # Far more supporters than cases, so the plan prunes each case to its top candidates.
    cases = [case(person(specialty=s)) for s in ("Cardiology", "Pediatrics", "Urology")]
    supporters = [
        supporter(person(specialty=s), case_limit=1)
        for s in ["Cardiology", "Pediatrics", "Urology", "Neonatology", "Nephrology"] * 6
    ]
    chosen = plan(cases, supporters, SPECIALTY_ONLY)
    assert sum(s.score for s in chosen.values()) == 9.0
    assert [chosen[c.case_id].supporter.person.specialty for c in cases] == [
        "Cardiology",
        "Pediatrics",
        "Urology",
    ]


def test_plan_gives_each_supporter_at_most_one_peer_of_the_event_by_default() -> None:
    # Two colleagues from one event, one supporter who fits both far better: the rule gives the
    # second peer to someone else rather than both to the star.
    cases = [case(person(specialty="Cardiology")) for _ in range(2)]
    star = supporter(person(specialty="Cardiology"), case_limit=3)
    other = supporter(person(specialty="Urology"), case_limit=3)
    chosen = plan(cases, [star, other], SPECIALTY_ONLY)
    assert sorted(s.supporter.person.specialty for s in chosen.values()) == ["Cardiology", "Urology"]
    shared = plan(cases, [star, other], replace(SPECIALTY_ONLY, **SHARING))
    assert [s.supporter for s in shared.values()] == [star, star]


def test_plan_leaves_a_peer_unassigned_rather_than_give_a_supporter_two_of_the_event() -> None:
    cases = [case() for _ in range(2)]
    only = supporter(case_limit=2)
    assert len(plan(cases, [only], rules())) == 1
    assert len(plan(cases, [only], rules(**SHARING))) == 2


def test_plan_skips_a_supporter_who_already_supports_a_colleague_of_the_event() -> None:
    star = supporter(person(specialty="Cardiology"))
    other = supporter(person(specialty="Urology"))
    waiting = case(person(specialty="Cardiology"), same_event_supporters={star.person.person_id: 900})
    assert plan([waiting], [star, other], SPECIALTY_ONLY)[waiting.case_id].supporter == other
    shared = plan([waiting], [star, other], replace(SPECIALTY_ONLY, **SHARING))
    assert shared[waiting.case_id].supporter == star


def test_plan_prefers_the_peers_earlier_supporter() -> None:
    star = supporter(person(specialty="Cardiology"))
    earlier = supporter(person(specialty="Urology"))
    the_case = case(person(specialty="Cardiology"), previous_supporter_cases={earlier.person.person_id: 41})
    chosen = plan([the_case], [star, earlier], rules({"specialty": 3.0, "continuity": 8.0}))
    assert chosen[the_case.case_id].supporter == earlier
    assert "supported this peer before (case #41)" in chosen[the_case.case_id].reasons
