"""Properties over random peers, supporters and cases.

Person ids are drawn from a handful of values so that the awkward cases the hard rules exist
for (the peer's supervisor, a colleague in the same event, the peer themself) come up often.

Hypothesis pays a fixed cost per drawn value, and a handful of supporters with a dozen fields
each made these tests slow; so each person, supporter and case is decoded from one drawn
byte string (`choices`). It still shrinks, towards the first option of every field. The
options lean towards eligible supporters, so the plan has real choices to make, while every
hard rule is still broken often.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from peersupport.matching.core import (
    CaseFacts,
    PersonFacts,
    Rules,
    SupporterFacts,
    hard_rule_violations,
    plan,
    same_event_case,
    suggest,
    suggest_with_held_back,
)
from peersupport.matching.facts import folded
from peersupport.matching.planning import SupporterTable
from peersupport.matching.scoring import score
from peersupport.matching.tests.builders import NOW, TODAY, TRAINED
from peersupport.matching.wishes import RULE_WORDS, meets, unmet_wishes

PERSON_IDS = list(range(1, 9))
CATEGORIES = ["medical_error", "patient_death", "litigation"]
GENDERS = ["", "female", "Female", "male"]
ROLES = ["physician", "nurse", "Nurse", ""]
SPECIALTIES = [
    "",
    "Anesthesiology",
    "Critical Care",
    "General Surgery",
    "orthopedic surgery",
    "Urology",
    "Unlisted",
]
EXPERIENCE = [frozenset(), frozenset({"litigation"}), frozenset(CATEGORIES[:2]), frozenset(CATEGORIES)]
# None leaves the key out of the weights (it then counts as 0). Awkward values such as 1/3
# and 2.675 test that the plan's numpy sums round exactly like the one-pair score.
WEIGHT_CHOICES = [None, 1.0, 0.0, -1.5, 0.5, 2.0, 3.0, 1 / 3, 2.675, 0.1]
WEIGHT_KEYS = [
    "continuity",
    "specialty",
    "related_specialty",
    "rank",
    "interventional",
    "role",
    "experience",
    "preference",
    "load",
    "recency",
    "on_call",
    "other_site",
]


def choices(**options: Sequence[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """One option per field, all decoded from a single drawn byte string (a byte per field).

    Bytes rather than one big integer: hypothesis draws big integers mostly small, which would
    leave every later field at its first option. It still favors zero bytes, so each field's
    first option is the plain one (eligible, no wish, no one else involved).
    """
    assert all(0 < len(values) <= 256 for values in options.values())

    def decode(raw: bytes) -> dict[str, Any]:
        return {name: values[byte % len(values)] for (name, values), byte in zip(options.items(), raw, strict=True)}

    return st.binary(min_size=len(options), max_size=len(options)).map(decode)


PERSON_FIELDS: dict[str, Sequence[Any]] = {
    "person_id": PERSON_IDS,
    "supervisor_id": [None, None, None, None, *PERSON_IDS],
    "employee_id": ["E1", "E2", "E3"],
    "role_type": ROLES,
    "specialty": SPECIALTIES,
    "department": ["", "Surgery", "surgery ", "Pediatrics", "Radiology", ""],
    "rank": [3, 1, 2, 4, 5],
    "interventional": [False, True],
    "site": ["", "North", "north", "South"],
    "gender": GENDERS,
    "active": [True] * 9 + [False],
}
# Others involved in the same event as the peer: mostly nobody or one colleague.
OTHERS_INVOLVED = [frozenset()] * 4 + [frozenset({pid}) for pid in PERSON_IDS] + [frozenset({1, 2, 3})]
# Around the 90-day recency cap, and the same day as now.
LAST_ASSIGNED = [None, *(NOW - timedelta(hours=h) for h in (0, 5, 26, 74, 1080, 2159, 2160, 4800))]


def person_of(fields: dict[str, Any]) -> PersonFacts:
    return PersonFacts(name="Someone", **{name: fields[name] for name in PERSON_FIELDS})


def people() -> st.SearchStrategy[PersonFacts]:
    return choices(**PERSON_FIELDS).map(person_of)


def supporters(max_limit: int = 3) -> st.SearchStrategy[SupporterFacts]:
    supporter_fields: dict[str, Sequence[Any]] = {
        "status": ["active"] * 12 + ["paused", "retired", "in_training", "nominated"],
        "trained_on": [TRAINED] * 9 + [None],
        "case_limit": [max_limit, *range(max_limit + 1), max_limit],
        "open_cases": [0, 0, 0, 1, 2],
        "paused_until": [None] * 12 + [TODAY + timedelta(days=d) for d in (-2, -1, 0, 1, 2)],
        "last_assigned_at": LAST_ASSIGNED,
        "experience": EXPERIENCE,
        "on_call": [False, True],
    }

    def build(fields: dict[str, Any]) -> SupporterFacts:
        if fields["ready"]:
            # Two supporters in three pass every rule that does not depend on the case, so the
            # plan has choices to make; the others break those rules at random.
            fields = fields | {"status": "active", "trained_on": TRAINED, "paused_until": None, "active": True}
        chosen = {name: fields[name] for name in supporter_fields}
        return SupporterFacts(person=person_of(fields), **chosen)

    return choices(**PERSON_FIELDS, **supporter_fields, ready=[True, True, False]).map(build)


def cases(case_id: int = 1) -> st.SearchStrategy[CaseFacts]:
    def build(fields: dict[str, Any]) -> CaseFacts:
        peer = person_of(fields)
        wishes = {key: fields[f"wish_{key}"] for key in ("gender", "specialty", "role_type")}
        return CaseFacts(
            case_id=case_id,
            peer=peer,
            category=fields["category"],
            interventional=fields["procedural"],
            involved_person_ids=fields["others"] | {peer.person_id},
            declined_by_person_ids=fields["declined"],
            preferences={key: wish for key, wish in wishes.items() if wish is not None},
            previous_supporter_cases={person_id: 100 + person_id for person_id in fields["earlier"]},
            same_event_supporters={person_id: 200 + person_id for person_id in fields["colleagues"]},
            peer_is_supporter=fields["peer_is_supporter"],
            peer_team_mates=fields["team_mates"] - {peer.person_id},
        )

    return choices(
        # Peers count down from 8 and supporters up from 1, so that an all-zero draw (which
        # hypothesis makes often) is not the peer supporting themself.
        **(PERSON_FIELDS | {"person_id": PERSON_IDS[::-1]}),
        category=["", *CATEGORIES],
        procedural=[False, True],
        others=OTHERS_INVOLVED,
        declined=OTHERS_INVOLVED,
        # The peer's earlier supporters, and supporters already on a colleague's case.
        earlier=OTHERS_INVOLVED,
        colleagues=OTHERS_INVOLVED,
        # The peer may be a supporter too, with team mates on an on-call team.
        peer_is_supporter=[False, False, True],
        team_mates=OTHERS_INVOLVED,
        wish_gender=[None, *GENDERS],
        wish_specialty=[None, *SPECIALTIES],
        wish_role_type=[None, "nurse", "physician"],
    ).map(build)


@st.composite
def rules(draw: st.DrawFn) -> Rules:
    fields = draw(
        choices(
            exclude_same_department=[True, False],
            whole_care_team=[False, True],
            one_peer_per_supporter_per_event=[True, False],
            **{key: WEIGHT_CHOICES for key in WEIGHT_KEYS},
        )
    )
    weights = {key: fields.pop(key) for key in WEIGHT_KEYS}
    # And one weight anywhere in a range, for the float sums nobody would think of.
    weights[draw(st.sampled_from(WEIGHT_KEYS))] = draw(st.floats(-5, 5, allow_nan=False))
    return Rules(
        now=NOW,
        weights={key: value for key, value in weights.items() if value is not None},
        **fields,
    )


@st.composite
def instances(
    draw: st.DrawFn, max_cases: int = 5, max_supporters: int = 5
) -> tuple[list[CaseFacts], list[SupporterFacts], Rules]:
    count = draw(st.integers(1, max_cases))
    the_cases = [draw(cases(case_id=i + 1)) for i in range(count)]
    the_supporters = draw(st.lists(supporters(max_limit=2), min_size=1, max_size=max_supporters))
    return the_cases, the_supporters, draw(rules())


@settings(max_examples=200, deadline=None)
@given(cases(), st.lists(supporters(), max_size=8), rules())
def test_no_suggestion_ever_breaks_a_hard_rule(
    the_case: CaseFacts, the_supporters: list[SupporterFacts], the_rules: Rules
) -> None:
    suggestions, held_back = suggest_with_held_back(the_case, the_supporters, the_rules)
    for suggestion in suggestions:
        assert hard_rule_violations(the_case, suggestion.supporter, the_rules) == []
        assert same_event_case(the_case, suggestion.supporter, the_rules) is None
    for held in held_back:
        assert hard_rule_violations(the_case, held.suggestion.supporter, the_rules) == []
        assert the_rules.one_peer_per_supporter_per_event
        assert held.colleague_case_id == the_case.same_event_supporters[held.suggestion.supporter.person.person_id]
    eligible = [s for s in the_supporters if not hard_rule_violations(the_case, s, the_rules)]
    assert len(suggestions) + len(held_back) == len(eligible)
    assert suggestions == suggest(the_case, the_supporters, the_rules)
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


@settings(max_examples=200, deadline=None)
@given(cases(), st.lists(supporters(), max_size=8), rules())
def test_bulk_eligibility_and_scores_agree_with_the_one_pair_functions(
    the_case: CaseFacts, the_supporters: list[SupporterFacts], the_rules: Rules
) -> None:
    # The plan computes eligibility and scores with numpy; they must be the very same.
    table = SupporterTable.build(the_supporters, the_rules)
    eligible = table.eligible(the_case, the_rules)
    bulk = table.scores(the_case, the_rules)
    expected = [
        s
        for s in the_supporters
        if not hard_rule_violations(the_case, s, the_rules) and same_event_case(the_case, s, the_rules) is None
    ]
    assert [s for s, ok in zip(table.supporters, eligible, strict=True) if ok] == expected
    for supporter, ok, points in zip(table.supporters, eligible, bulk, strict=True):
        if ok:
            assert round(float(points), 2) == score(the_case, supporter, the_rules)[0]


def best_by_brute_force(
    the_cases: list[CaseFacts], the_supporters: list[SupporterFacts], the_rules: Rules
) -> tuple[int, int]:
    """(cases assigned, total score in cents) of the best plan, trying every plan there is.

    The cases are one referral's: under the one-peer-per-event rule a supporter takes at most
    one of them, and nobody the rule holds back (`suggest` leaves them out) takes any.
    """
    cents = [{id(s.supporter): round(s.score * 100) for s in suggest(c, the_supporters, the_rules)} for c in the_cases]
    cap = 1 if the_rules.one_peer_per_supporter_per_event else len(the_cases)
    slots = tuple(min(max(s.case_limit - s.open_cases, 0), cap) for s in the_supporters)

    @cache
    def best(index: int, free: tuple[int, ...]) -> tuple[int, int]:
        if index == len(the_cases):
            return (0, 0)
        options = [best(index + 1, free)]  # this case left unassigned
        for position, supporter in enumerate(the_supporters):
            points = cents[index].get(id(supporter))
            if points is not None and free[position] > 0:
                rest = free[:position] + (free[position] - 1,) + free[position + 1 :]
                count, total = best(index + 1, rest)
                options.append((count + 1, total + points))
        return max(options)

    return best(0, slots)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_plan_is_as_good_as_the_best_plan_found_by_brute_force_with_or_without_the_one_peer_rule(
    instance: tuple[list[CaseFacts], list[SupporterFacts], Rules],
) -> None:
    the_cases, the_supporters, the_rules = instance
    # Distinct objects so the brute force can tell two identical supporters apart.
    the_supporters = [replace(s) for s in the_supporters]
    chosen = plan(the_cases, the_supporters, the_rules)

    taken: dict[int, int] = {}
    by_id = {c.case_id: c for c in the_cases}
    for case_id, suggestion in chosen.items():
        assert suggestion.case_id == case_id
        assert hard_rule_violations(by_id[case_id], suggestion.supporter, the_rules) == []
        assert same_event_case(by_id[case_id], suggestion.supporter, the_rules) is None
        assert any(suggestion.supporter is s for s in the_supporters)
        taken[id(suggestion.supporter)] = taken.get(id(suggestion.supporter), 0) + 1
    for supporter in the_supporters:
        assert taken.get(id(supporter), 0) <= max(supporter.case_limit - supporter.open_cases, 0)
        if the_rules.one_peer_per_supporter_per_event:
            # No supporter gets two peers of the referral.
            assert taken.get(id(supporter), 0) <= 1

    got = (len(chosen), sum(round(s.score * 100) for s in chosen.values()))
    assert got == best_by_brute_force(the_cases, the_supporters, the_rules)


@settings(max_examples=200, deadline=None)
@given(cases(), st.lists(supporters(), max_size=8), rules())
def test_every_unmet_wish_is_unmet_by_every_suggestion_and_each_supporter_meeting_it_has_a_reason(
    the_case: CaseFacts, the_supporters: list[SupporterFacts], the_rules: Rules
) -> None:
    suggestions = suggest(the_case, the_supporters, the_rules)
    for unmet in unmet_wishes(the_case, the_supporters, suggestions, the_rules):
        wishes = dict(unmet.wishes)
        assert not any(meets(s.supporter.person, wishes) for s in suggestions)
        meeting = [s for s in the_supporters if meets(s.person, wishes)]
        assert unmet.active == len(meeting)
        # Every supporter who meets the wish is counted under at least one rule that keeps them out.
        assert sum(count for _, count in unmet.blocked) >= unmet.active
        assert all(rule in RULE_WORDS and count >= 1 for rule, count in unmet.blocked)
        assert unmet.text.startswith("No eligible supporter is ")


@settings(max_examples=200, deadline=None)
@given(cases(), st.lists(supporters(), max_size=8), rules())
def test_a_supporter_peer_is_never_suggested_a_close_colleague(
    the_case: CaseFacts, the_supporters: list[SupporterFacts], the_rules: Rules
) -> None:
    peer = the_case.peer
    for suggestion in suggest(the_case, the_supporters, the_rules):
        person = suggestion.supporter.person
        if the_case.peer_is_supporter:
            assert person.person_id not in the_case.peer_team_mates
            assert not (folded(person.department) and folded(person.department) == folded(peer.department)
                        and folded(person.site) == folded(peer.site))
