"""Each program's team beside the people it serves: its own supporters and its own people."""

import pytest
from django.urls import reverse

from peersupport.composition.selectors import team_composition
from peersupport.program.models import ProgramSettings
from peersupport.roster.models import RoleType
from peersupport.testing.factories import make_person, make_supporter

pytestmark = pytest.mark.django_db


def totals(composition) -> tuple[str, str]:
    table = composition.tables[0]
    return table.team_total.text, table.population_total.text


def test_each_program_s_composition_counts_its_own_team_and_people(second_program, director):
    for _ in range(12):
        make_supporter(make_person(role_type=RoleType.PHYSICIAN))
    for _ in range(20):
        make_person(role_type=RoleType.PHYSICIAN, site="Northside")
    for _ in range(11):
        make_supporter(make_person(role_type=RoleType.PHYSICIAN, site="Northside"))
    # The first program: 12 supporters of 13 physicians (the director is one); the second: 11 of 31.
    assert totals(team_composition(ProgramSettings.for_program(director.program_pk))) == ("12", "13")
    assert totals(team_composition(ProgramSettings.for_program(second_program.pk))) == ("11", "31")


def test_another_program_s_director_sees_only_their_own_on_the_page(client, director, director_of_second_program):
    for _ in range(12):
        make_supporter(make_person(role_type=RoleType.PHYSICIAN, site="Far Away Site"))
    client.force_login(director_of_second_program)
    response = client.get(reverse("team-composition"))
    assert response.status_code == 200
    assert "Far Away Site" not in response.content.decode()
    assert response.context["composition"].tables[0].team_total.text == "0"
    client.force_login(director)
    assert "Far Away Site" in client.get(reverse("team-composition")).content.decode()


def test_the_served_roles_are_the_program_s_own(second_program, director):
    theirs = ProgramSettings.for_program(second_program.pk)
    theirs.served_role_types = [RoleType.NURSE]
    theirs.save()
    for _ in range(12):
        make_person(role_type=RoleType.NURSE, site="Northside")
        make_person(role_type=RoleType.NURSE)
    assert totals(team_composition(theirs))[1] == "12"
    # The first program serves physicians only: its nurses are not its served population.
    assert totals(team_composition(ProgramSettings.for_program(director.program_pk)))[1] == "<11"
