"""Supporters are peers too: when the peer is a supporter, their close colleagues on the team
are never suggested, and the director reads why."""

from peersupport.matching.core import suggest, why_not_suggested
from peersupport.matching.tests.builders import case, person, rules, supporter

NO_OWN_DEPARTMENT_RULE = rules(exclude_same_department=False)


def test_a_supporter_peer_is_not_suggested_someone_from_their_department_at_their_site():
    peer = person(department="Surgery", site="North")
    beside = supporter(person(department="surgery ", site="north"))
    other_site = supporter(person(department="Surgery", site="South"))
    the_case = case(peer, peer_is_supporter=True)
    suggested = [s.supporter for s in suggest(the_case, [beside, other_site], NO_OWN_DEPARTMENT_RULE)]
    assert suggested == [other_site]
    assert why_not_suggested(the_case, beside, NO_OWN_DEPARTMENT_RULE) == [
        "a close colleague of the peer, who is a supporter too (same department and site)"
    ]


def test_a_supporter_peer_is_not_suggested_a_member_of_their_on_call_team():
    peer = person(department="Surgery")
    mate = supporter(person(department="Radiology"))
    stranger = supporter(person(department="Pediatrics"))
    the_case = case(peer, peer_is_supporter=True, peer_team_mates=frozenset({mate.person.person_id}))
    assert [s.supporter for s in suggest(the_case, [mate, stranger], rules())] == [stranger]
    assert why_not_suggested(the_case, mate, rules()) == ["on an on-call team with the peer, who is a supporter too"]


def test_a_peer_who_is_not_a_supporter_keeps_the_programs_own_department_setting():
    peer = person(department="Surgery", site="North")
    beside = supporter(person(department="Surgery", site="North"))
    assert [s.supporter for s in suggest(case(peer), [beside], NO_OWN_DEPARTMENT_RULE)] == [beside]
