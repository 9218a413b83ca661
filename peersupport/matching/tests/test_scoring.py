"""Each preference adds its weighted points and names itself in the reasons."""

from datetime import timedelta

import pytest

from peersupport.matching.core import Rules, Suggestion, SupporterFacts, suggest
from peersupport.matching.tests.builders import NOW, case, person, rules, supporter

NO_PREFERENCE = {key: 0.0 for key in ("specialty", "related_specialty", "rank", "load", "recency")}


def only(the_case, the_supporter: SupporterFacts, the_rules: Rules | None = None) -> Suggestion:
    [suggestion] = suggest(the_case, [the_supporter], the_rules or rules())
    return suggestion


def preference_reasons(suggestion: Suggestion) -> list[str]:
    """The reasons without the two fairness facts every suggestion carries."""
    return [r for r in suggestion.reasons if "open case" not in r and "assigned" not in r]


def test_same_specialty_scores_and_says_so() -> None:
    peer = person(specialty="Anesthesiology")
    suggestion = only(
        case(peer),
        supporter(person(specialty="anesthesiology")),
        rules({"specialty": 3.0, "rank": 0}),
    )
    assert suggestion.score == 3.0
    assert preference_reasons(suggestion) == ["same specialty: anesthesiology"]


def test_related_specialty_scores_and_names_both() -> None:
    peer = person(specialty="General Surgery")
    suggestion = only(
        case(peer),
        supporter(person(specialty="Orthopedic Surgery")),
        rules({"specialty": 3.0, "related_specialty": 1.5, "rank": 0}),
    )
    assert suggestion.score == 1.5
    assert preference_reasons(suggestion) == ["related specialty: General Surgery and Orthopedic Surgery"]


def test_unrelated_specialty_earns_nothing() -> None:
    peer = person(specialty="Psychiatry")
    suggestion = only(case(peer), supporter(person(specialty="Urology")), rules({"rank": 0}))
    assert suggestion.score == 0.0
    assert preference_reasons(suggestion) == []


def test_no_specialty_is_not_the_same_specialty() -> None:
    suggestion = only(case(person(specialty="")), supporter(person(specialty="")), rules({"rank": 0}))
    assert preference_reasons(suggestion) == []


@pytest.mark.parametrize(
    ("supporter_rank", "points", "reason"),
    [
        (5, 2.0, "more senior than the peer"),
        (4, 2.0, "more senior than the peer"),
        (3, 2.0, "same seniority"),
        (2, 1.0, "slightly junior to the peer"),
        (1, -2.0, "much junior to the peer"),
    ],
)
def test_rank_at_or_above_the_peer_is_preferred_and_far_below_is_penalised(
    supporter_rank: int, points: float, reason: str
) -> None:
    suggestion = only(case(person(rank=3)), supporter(person(rank=supporter_rank)), rules({"rank": 2.0}))
    assert suggestion.score == points
    assert preference_reasons(suggestion) == [reason]


def test_interventionalist_is_preferred_for_a_procedural_event() -> None:
    the_supporter = supporter(person(interventional=True))
    the_rules = rules(NO_PREFERENCE | {"interventional": 2.0})
    procedural = only(case(interventional=True), the_supporter, the_rules)
    assert procedural.score == 2.0
    assert preference_reasons(procedural) == ["interventionalist for a procedural event"]
    assert only(case(interventional=False), the_supporter, the_rules).score == 0.0


def test_same_professional_role_counts_only_when_the_program_serves_the_whole_care_team() -> None:
    nurse_peer, nurse = person(role_type="nurse"), supporter(person(role_type="nurse"))
    whole_team = rules(NO_PREFERENCE | {"role": 2.0}, whole_care_team=True)
    suggestion = only(case(nurse_peer), nurse, whole_team)
    assert suggestion.score == 2.0
    assert preference_reasons(suggestion) == ["same professional role: nurse"]
    physicians_only = rules(NO_PREFERENCE | {"role": 2.0}, whole_care_team=False)
    assert preference_reasons(only(case(nurse_peer), nurse, physicians_only)) == []


def test_different_professional_role_earns_nothing() -> None:
    the_rules = rules(NO_PREFERENCE | {"role": 2.0}, whole_care_team=True)
    suggestion = only(case(person(role_type="nurse")), supporter(person(role_type="physician")), the_rules)
    assert suggestion.score == 0.0


def test_experience_with_this_kind_of_event_is_preferred() -> None:
    the_rules = rules(NO_PREFERENCE | {"experience": 1.5})
    veteran = supporter(experience=frozenset({"litigation", "medical_error"}))
    suggestion = only(case(category="litigation"), veteran, the_rules)
    assert suggestion.score == 1.5
    assert preference_reasons(suggestion) == ["has offered support after litigation"]
    assert only(case(category="patient_death"), veteran, the_rules).score == 0.0


def test_peers_stated_wishes_are_matched_whatever_the_spelling() -> None:
    the_case = case(preferences={"gender": "Female", "specialty": "pediatrics", "role_type": "nurse"})
    matching = supporter(person(gender="female", specialty="Pediatrics", role_type="Nurse"))
    suggestion = only(the_case, matching, rules(NO_PREFERENCE | {"preference": 3.0}))
    assert suggestion.score == 9.0
    assert preference_reasons(suggestion) == [
        "matches the peer's wish: gender female",
        "matches the peer's wish: specialty pediatrics",
        "matches the peer's wish: role nurse",
    ]


def test_an_unmet_or_empty_wish_earns_nothing() -> None:
    the_case = case(preferences={"gender": "female", "specialty": ""})
    suggestion = only(
        the_case,
        supporter(person(gender="male", specialty="")),
        rules(NO_PREFERENCE | {"preference": 3.0}),
    )
    assert suggestion.score == 0.0
    assert preference_reasons(suggestion) == []


@pytest.mark.parametrize(
    ("open_cases", "limit", "points", "reason"),
    [
        (0, 2, 2.0, "0 open cases of 2"),
        (1, 2, 1.0, "1 open case of 2"),
        (2, 3, 0.67, "2 open cases of 3"),
    ],
)
def test_fewer_open_cases_score_higher(open_cases: int, limit: int, points: float, reason: str) -> None:
    the_supporter = supporter(open_cases=open_cases, case_limit=limit)
    suggestion = only(case(), the_supporter, rules(NO_PREFERENCE | {"load": 2.0}))
    assert suggestion.score == points
    assert reason in suggestion.reasons


def test_open_cases_are_stated_even_when_load_is_not_weighted() -> None:
    suggestion = only(case(), supporter(open_cases=1), rules(NO_PREFERENCE))
    assert "1 open case of 2" in suggestion.reasons


@pytest.mark.parametrize(
    ("days_ago", "points", "reason"),
    [
        (None, 1.0, "never assigned yet"),
        (0, 0.0, "last assigned today"),
        (1, 0.01, "last assigned 1 day ago"),
        (45, 0.5, "last assigned 45 days ago"),
        (400, 1.0, "last assigned 400 days ago"),
    ],
)
def test_longer_since_the_last_assignment_scores_higher_up_to_ninety_days(
    days_ago: int | None, points: float, reason: str
) -> None:
    last = None if days_ago is None else NOW - timedelta(days=days_ago, hours=3)
    suggestion = only(case(), supporter(last_assigned_at=last), rules(NO_PREFERENCE | {"recency": 1.0}))
    assert suggestion.score == points
    assert reason in suggestion.reasons


def test_on_call_supporter_is_preferred() -> None:
    suggestion = only(case(), supporter(on_call=True), rules(NO_PREFERENCE | {"on_call": 1.0}))
    assert suggestion.score == 1.0
    assert preference_reasons(suggestion) == ["on call now"]


def test_supporter_from_another_site_is_preferred() -> None:
    the_rules = rules(NO_PREFERENCE | {"other_site": 0.5})
    peer = person(site="North Campus")
    elsewhere = only(case(peer), supporter(person(site="Riverside")), the_rules)
    assert elsewhere.score == 0.5
    assert preference_reasons(elsewhere) == ["from another site"]
    assert only(case(peer), supporter(person(site="north campus")), the_rules).score == 0.0
    assert only(case(peer), supporter(person(site="")), the_rules).score == 0.0


def test_a_preference_weighted_zero_neither_scores_nor_claims_a_reason() -> None:
    peer = person(specialty="Cardiology")
    suggestion = only(case(peer), supporter(person(specialty="Cardiology")), rules(NO_PREFERENCE))
    assert suggestion.score == 0.0
    assert preference_reasons(suggestion) == []


def test_a_missing_weight_counts_as_zero() -> None:
    the_rules = Rules(now=NOW, weights={})
    suggestion = only(
        case(person(specialty="Cardiology")),
        supporter(person(specialty="Cardiology", rank=1)),
        the_rules,
    )
    assert suggestion.score == 0.0
    assert preference_reasons(suggestion) == []


def test_scores_add_up_and_are_rounded_to_two_decimals() -> None:
    peer = person(specialty="Cardiology", rank=3, site="North")
    the_supporter = supporter(
        person(specialty="Cardiology", rank=4, site="South"),
        open_cases=1,
        case_limit=3,
        on_call=True,
    )
    the_rules = rules(
        {
            "specialty": 3.0,
            "rank": 2.0,
            "load": 2.0,
            "recency": 1.0,
            "on_call": 1.0,
            "other_site": 0.5,
        }
    )
    suggestion = only(case(peer), the_supporter, the_rules)
    # 3 + 2 + 2 * (2/3) + 1 (never assigned) + 1 + 0.5
    assert suggestion.score == 8.83
    assert suggestion.reasons == (
        "same specialty: Cardiology",
        "more senior than the peer",
        "1 open case of 3",
        "never assigned yet",
        "on call now",
        "from another site",
    )
