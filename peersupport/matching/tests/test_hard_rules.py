"""Each hard rule keeps a supporter out of the suggestions, and says why in words."""

from datetime import timedelta

import pytest

from peersupport.matching.core import hard_rule_violations, suggest
from peersupport.matching.tests.builders import TODAY, case, person, rules, supporter


def assert_never_suggested(the_case, the_supporter, the_rules=None, *, reason: str) -> None:
    the_rules = the_rules or rules()
    assert reason in hard_rule_violations(the_case, the_supporter, the_rules)
    assert suggest(the_case, [the_supporter], the_rules) == []


def test_eligible_supporter_breaks_no_rule_and_is_suggested() -> None:
    the_case, the_supporter = case(), supporter()
    assert hard_rule_violations(the_case, the_supporter, rules()) == []
    assert [s.supporter for s in suggest(the_case, [the_supporter], rules())] == [the_supporter]


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("nominated", "nominated"),
        ("in_training", "in training"),
        ("paused", "paused"),
        ("retired", "retired"),
    ],
)
def test_supporter_who_is_not_active_is_never_suggested(status: str, words: str) -> None:
    assert_never_suggested(case(), supporter(status=status), reason=f"not an active supporter ({words})")


def test_untrained_supporter_is_never_suggested() -> None:
    assert_never_suggested(case(), supporter(trained_on=None), reason="not trained yet")


def test_paused_supporter_is_never_suggested_through_the_last_day_of_the_pause() -> None:
    assert_never_suggested(case(), supporter(paused_until=TODAY), reason=f"paused until {TODAY:%Y-%m-%d}")
    assert_never_suggested(
        case(),
        supporter(paused_until=TODAY + timedelta(days=30)),
        reason=f"paused until {TODAY + timedelta(days=30):%Y-%m-%d}",
    )


def test_supporter_whose_pause_has_ended_is_suggested_again() -> None:
    assert hard_rule_violations(case(), supporter(paused_until=TODAY - timedelta(days=1)), rules()) == []


def test_supporter_who_left_the_roster_is_never_suggested() -> None:
    assert_never_suggested(case(), supporter(person(active=False)), reason="no longer active on the roster")


def test_supporter_at_their_case_limit_is_never_suggested() -> None:
    assert_never_suggested(case(), supporter(case_limit=2, open_cases=2), reason="at their case limit (2 of 2)")


def test_supporter_over_their_case_limit_is_never_suggested() -> None:
    assert_never_suggested(case(), supporter(case_limit=1, open_cases=3), reason="at their case limit (3 of 1)")


def test_supporter_with_a_limit_of_zero_is_never_suggested() -> None:
    assert_never_suggested(case(), supporter(case_limit=0, open_cases=0), reason="at their case limit (0 of 0)")


def test_peer_is_never_their_own_supporter() -> None:
    peer = person()
    violations = hard_rule_violations(case(peer), supporter(peer), rules())
    assert violations == ["is the peer"]
    assert suggest(case(peer), [supporter(peer)], rules()) == []


def test_clinician_involved_in_the_same_event_is_never_suggested() -> None:
    peer, colleague = person(), person()
    the_case = case(peer, involved_person_ids=frozenset({peer.person_id, colleague.person_id}))
    assert_never_suggested(the_case, supporter(colleague), reason="involved in the same event")


def test_supporter_who_handed_the_case_back_is_never_suggested_again() -> None:
    peer, colleague = person(), person()
    the_case = case(peer, declined_by_person_ids=frozenset({colleague.person_id}))
    assert_never_suggested(the_case, supporter(colleague), reason="handed this case back")


def test_supervisor_is_never_suggested() -> None:
    boss = person()
    peer = person(supervisor_id=boss.person_id)
    assert_never_suggested(case(peer), supporter(boss), reason="the peer's supervisor")


def test_someone_the_peer_supervises_is_never_suggested() -> None:
    peer = person()
    trainee = person(supervisor_id=peer.person_id)
    assert_never_suggested(case(peer), supporter(trainee), reason="supervised by the peer")


def test_sharing_a_supervisor_with_the_peer_is_allowed() -> None:
    boss = person()
    peer, colleague = person(supervisor_id=boss.person_id), person(supervisor_id=boss.person_id)
    assert hard_rule_violations(case(peer), supporter(colleague), rules()) == []


def test_same_department_is_never_suggested_whatever_the_spelling() -> None:
    peer = person(department="Emergency Medicine")
    colleague = person(department="emergency medicine ")
    assert_never_suggested(case(peer), supporter(colleague), reason="same department as the peer (emergency medicine)")


def test_same_department_is_allowed_when_the_program_allows_it() -> None:
    peer, colleague = person(department="Surgery"), person(department="Surgery")
    assert hard_rule_violations(case(peer), supporter(colleague), rules(exclude_same_department=False)) == []


def test_an_empty_department_is_no_department() -> None:
    peer, colleague = person(department=""), person(department="  ")
    assert hard_rule_violations(case(peer), supporter(colleague), rules()) == []


def test_every_broken_rule_is_listed() -> None:
    peer = person(department="Surgery")
    boss = person(department="Surgery", active=False)
    peer = person(person_id=peer.person_id, department="Surgery", supervisor_id=boss.person_id)
    violations = hard_rule_violations(
        case(peer, involved_person_ids=frozenset({peer.person_id, boss.person_id})),
        supporter(boss, status="retired", trained_on=None, open_cases=2, paused_until=TODAY),
        rules(),
    )
    assert violations == [
        "not an active supporter (retired)",
        "not trained yet",
        f"paused until {TODAY:%Y-%m-%d}",
        "no longer active on the roster",
        "at their case limit (2 of 2)",
        "involved in the same event",
        "the peer's supervisor",
        "same department as the peer (Surgery)",
    ]


def test_the_words_of_each_rule_are_in_the_readers_language(spanish_catalogs) -> None:
    from django.utils import translation

    the_supporter = supporter(status="paused", case_limit=2, open_cases=2)
    with translation.override("es"):
        words = hard_rule_violations(case(), the_supporter, rules())
    assert "no es compañero/a de apoyo activo/a (en pausa)" in words
    assert "en su límite de casos (2 de 2)" in words
    assert not any("supporter" in each or "case limit" in each for each in words)
