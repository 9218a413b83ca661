"""Suggestions come best first, and equal scores are settled fairly and always the same way."""

from datetime import timedelta

from peersupport.matching.core import suggest
from peersupport.matching.specialties import SPECIALTIES, families_of, related
from peersupport.matching.tests.builders import NOW, case, person, rules, supporter

EQUAL = rules({key: 0.0 for key in ("rank", "load", "recency")})


def test_suggestions_are_best_first_and_only_eligible() -> None:
    peer = person(specialty="Anesthesiology", department="Anesthesiology")
    same = supporter(person(specialty="Anesthesiology", department="Anesthesiology B"))
    related_one = supporter(person(specialty="Critical Care"))
    unrelated = supporter(person(specialty="Urology"))
    full = supporter(person(specialty="Anesthesiology"), open_cases=2)
    suggestions = suggest(case(peer), [unrelated, full, related_one, same], rules())
    assert [s.supporter for s in suggestions] == [same, related_one, unrelated]
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


def test_equal_scores_prefer_fewer_open_cases() -> None:
    busy, idle = supporter(open_cases=1), supporter(open_cases=0)
    assert [s.supporter for s in suggest(case(), [busy, idle], EQUAL)] == [idle, busy]


def test_equal_scores_prefer_the_longest_since_the_last_assignment_and_never_first() -> None:
    recent = supporter(last_assigned_at=NOW - timedelta(days=3))
    longer = supporter(last_assigned_at=NOW - timedelta(days=30))
    never = supporter(last_assigned_at=None)
    order = suggest(case(), [recent, longer, never], EQUAL)
    assert [s.supporter for s in order] == [never, longer, recent]


def test_equal_supporters_come_out_in_employee_id_order() -> None:
    first = supporter(person(employee_id="A100"))
    second = supporter(person(employee_id="B200"))
    assert [s.supporter for s in suggest(case(), [second, first], EQUAL)] == [first, second]


def test_suggestion_names_its_supporter() -> None:
    the_supporter = supporter(person(employee_id="E42", name="Sam Support"))
    [suggestion] = suggest(case(), [the_supporter], EQUAL)
    assert (suggestion.employee_id, suggestion.name) == ("E42", "Sam Support")


def test_no_supporters_means_no_suggestions() -> None:
    assert suggest(case(), [], rules()) == []


def test_related_specialties_share_a_family_but_are_not_the_same() -> None:
    assert related("General Surgery", "Orthopedic Surgery")
    assert related("neonatology", "Pediatrics")
    assert related("Trauma Surgery", "Emergency Medicine")
    assert not related("Anesthesiology", "anesthesiology")
    assert not related("Psychiatry", "Urology")
    assert not related("", "Urology")
    assert not related("Made-up Specialty", "Urology")


def test_every_specialty_has_a_family_and_appears_once() -> None:
    assert len(SPECIALTIES) == len(set(SPECIALTIES)) >= 40
    assert all(families_of(name) for name in SPECIALTIES)
    assert {"Anesthesiology", "Interventional Radiology", "Neonatology"} <= set(SPECIALTIES)
