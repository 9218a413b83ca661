"""Each program plans for itself: its people, its history, its team and its own assumptions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.cases.models import Case
from peersupport.planner.models import PlannerSettings
from peersupport.planner.selectors import Choice, planning
from peersupport.planner.tests.test_planner import assumptions_body, referred, staff
from peersupport.program.models import Program
from peersupport.roster.models import RoleType
from peersupport.testing.factories import make_person, make_supporter

pytestmark = pytest.mark.django_db


def nurses_in(response) -> int:
    return next(line.people for line in response.context["plan"].lines if line.role == RoleType.NURSE)


def test_each_director_plans_with_their_own_program_s_people_and_sites(client, director, director_of_second_program):
    staff(7, role_type=RoleType.NURSE, site="Main Campus")
    staff(3, role_type=RoleType.NURSE, site="Northside")
    client.force_login(director_of_second_program)
    response = client.get(reverse("planner"), {"serve": "nurses"})
    assert response.status_code == 200 and nurses_in(response) == 3
    page = response.content.decode()
    assert "Northside" in page and "Main Campus" not in page
    # A site of another program is not one to choose.
    assert client.get(reverse("planner"), {"serve": "nurses", "site": "Main Campus"}).status_code == 400
    client.force_login(director)
    assert nurses_in(client.get(reverse("planner"), {"serve": "nurses"})) == 7


def test_the_team_and_the_history_are_the_program_s_own(director, second_program):
    staff(50, role_type=RoleType.PHYSICIAN)
    northside = staff(40, role_type=RoleType.PHYSICIAN, site="Northside")
    make_supporter(make_person(site="Northside"))
    referred(northside[:1], days_ago=400)
    referred(northside[1:21], days_ago=30)
    first = Program.default().pk
    theirs = planning(Choice("physicians", ""), program_id=second_program.pk, with_team_detail=False)
    ours = planning(Choice("physicians", ""), program_id=first, with_team_detail=False)
    assert theirs.plan.supporters_now == 1 and ours.plan.supporters_now == 0
    # Northside has a year of its own; the first program's cases are none, so it has no history.
    assert Case.objects.filter(program=second_program).count() == 21
    assert theirs.has_history_year and not ours.has_history_year


def test_a_director_s_assumptions_are_their_program_s_alone(client, director, director_of_second_program):
    client.force_login(director_of_second_program)
    response = client.post(reverse("planner-assumptions"), assumptions_body(case_days=45))
    assert response.status_code == 302
    assert PlannerSettings.for_program(director_of_second_program.program_pk).case_days == 45
    assert PlannerSettings.for_program(director.program_pk).case_days == 21
    client.force_login(director)
    page = client.get(reverse("planner-assumptions"))
    assert page.context["form"]["case_days"].value() == 21


def test_a_program_s_first_case_a_year_ago_does_not_give_another_program_history(second_program, director):
    old = staff(1, role_type=RoleType.PHYSICIAN)
    referred(old, days_ago=400)
    assert not planning(Choice("physicians", ""), program_id=second_program.pk, with_team_detail=False,
                        now=timezone.now() + timedelta(days=1)).has_history_year
