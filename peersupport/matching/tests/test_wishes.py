"""The peer's wishes: when no eligible supporter meets one, the director reads why."""

from datetime import timedelta

from peersupport.matching.core import suggest, suggest_with_held_back
from peersupport.matching.tests.builders import TODAY, case, person, rules, supporter
from peersupport.matching.wishes import describe, unmet_wishes, wishes_for_display


def unmet_texts(the_case, team, the_rules=None) -> list[str]:
    the_rules = the_rules or rules()
    suggestions = suggest(the_case, team, the_rules)
    return [wish.text for wish in unmet_wishes(the_case, team, suggestions, the_rules)]


def test_a_wish_an_eligible_supporter_meets_needs_no_explanation() -> None:
    peer = person(department="Surgery")
    team = [supporter(person(gender="female", department="Medicine")), supporter(person(gender="male"))]
    assert unmet_texts(case(peer, preferences={"gender": "Female"}), team) == []


def test_no_wishes_no_explanation() -> None:
    assert unmet_texts(case(), [supporter()]) == []


def test_unmet_wish_names_the_own_department_rule_and_the_case_limit() -> None:
    peer = person(department="Surgery", specialty="General Surgery")
    team = [
        supporter(person(gender="female", specialty="General Surgery", department="Surgery")),
        supporter(person(gender="Female", specialty="general surgery", department="surgery ")),
        supporter(person(gender="female", specialty="General Surgery", department="Medicine"), open_cases=2),
        supporter(person(gender="male", specialty="General Surgery", department="Medicine")),
    ]
    the_case = case(peer, preferences={"gender": "female", "specialty": "General Surgery"})
    assert unmet_texts(the_case, team) == [
        "No eligible supporter is a woman: 3 active supporters are, but 2 are in the peer's own "
        "department (the own-department rule) and 1 is at their case limit."
    ]


def test_each_wish_met_alone_but_not_together_is_explained_together() -> None:
    peer = person(department="Surgery")
    team = [
        supporter(person(gender="female", specialty="Urology", department="Medicine")),
        supporter(person(gender="male", specialty="General Surgery", department="Medicine")),
        supporter(person(gender="female", specialty="General Surgery", department="Surgery")),
    ]
    the_case = case(peer, preferences={"gender": "female", "specialty": "General Surgery"})
    assert unmet_texts(the_case, team) == [
        "No eligible supporter is a woman in General Surgery: one active supporter is, but is in the "
        "peer's own department (the own-department rule)."
    ]


def test_a_wish_nobody_on_the_team_meets_says_so() -> None:
    team = [supporter(person(role_type="physician"))]
    assert unmet_texts(case(preferences={"role_type": "nurse"}), team) == [
        "No eligible supporter is a nurse: no active supporter on the team is."
    ]


def test_a_paused_or_colleague_holding_supporter_is_counted_under_its_own_rule() -> None:
    paused = supporter(person(gender="male"), paused_until=TODAY + timedelta(days=3))
    holding = supporter(person(gender="male"))
    the_case = case(preferences={"gender": "male"}, same_event_supporters={holding.person.person_id: 12})
    assert unmet_texts(the_case, [paused, holding]) == [
        "No eligible supporter is a man: 2 active supporters are, but 1 is paused and 1 already "
        "supports a colleague from the same event (one peer per supporter per event)."
    ]


def test_wishes_read_as_a_person_and_as_labeled_values() -> None:
    assert describe({"gender": "female", "role_type": "app", "specialty": "Surgery"}) == (
        "a woman who is an advanced practice provider in Surgery"
    )
    assert describe({"gender": "nonbinary"}) == "nonbinary"
    assert describe({"gender": "nonbinary", "role_type": "nurse"}) == "a nonbinary nurse"
    assert describe({"specialty": "Urology"}) == "in Urology"
    assert wishes_for_display({"gender": " female ", "specialty": "", "role_type": "nurse"}) == [
        ("Gender", "female"),
        ("Role", "nurse"),
    ]


def test_held_back_supporters_are_not_suggested_but_listed_with_their_colleagues_case() -> None:
    star, other = supporter(), supporter()
    the_case = case(same_event_supporters={star.person.person_id: 77})
    suggestions, held_back = suggest_with_held_back(the_case, [star, other], rules())
    assert [s.supporter for s in suggestions] == [other]
    assert [(h.suggestion.supporter, h.colleague_case_id) for h in held_back] == [(star, 77)]
    assert held_back[0].words == "already supports a colleague from the same event (case #77)"
    suggestions, held_back = suggest_with_held_back(
        the_case, [star, other], rules(one_peer_per_supporter_per_event=False)
    )
    assert len(suggestions) == 2 and held_back == []


def test_the_wishes_and_why_one_is_unmet_read_in_spanish(spanish_catalogs) -> None:
    from django.utils import translation

    team = [supporter(person(gender="female", specialty="General Surgery", department="Surgery")),
            supporter(person(gender="female", specialty="General Surgery", department="Medicine"), open_cases=2)]
    the_case = case(person(department="Surgery"), preferences={"gender": "female", "specialty": "General Surgery"})
    with translation.override("es"):
        assert unmet_texts(the_case, team) == [
            "Ningún compañero/a de apoyo elegible es mujer: 2 compañeros/as de apoyo activos/as lo son, pero "
            "1 está en el mismo departamento que el colega (la regla del propio departamento) y 1 ha llegado "
            "a su límite de casos.",
            "Ningún compañero/a de apoyo elegible es de General Surgery: 2 compañeros/as de apoyo activos/as lo "
            "son, pero 1 está en el mismo departamento que el colega (la regla del propio departamento) y 1 ha "
            "llegado a su límite de casos."]
        assert wishes_for_display({"gender": "female", "specialty": "Cirugía", "role_type": "app"}) == [
            ("Género", "mujer"), ("Especialidad", "Cirugía"), ("Puesto", "profesional de práctica avanzada")]
        assert describe({"gender": "male", "role_type": "nurse", "specialty": "Urología"}) == (
            "hombre y enfermero/a de Urología")
