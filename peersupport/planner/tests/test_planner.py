"""The planner on a real roster: what it counts, history against default rates, the nurse
departments to recruit from, the page for each choice, who may use it, and bad input."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Case, CaseState, Encounter, EncounterMode
from peersupport.planner.models import DEFAULT_RATE, PlannerSettings
from peersupport.planner.plan import Source
from peersupport.planner.selectors import CHOICES, Choice, planning
from peersupport.program.models import ProgramSettings
from peersupport.referrals.models import Referral
from peersupport.roster.models import Person, RoleType
from peersupport.testing.factories import make_person, make_supporter


@pytest.fixture
def program(db) -> ProgramSettings:
    return ProgramSettings.current()


def staff(n: int, **fields) -> list[Person]:
    return [make_person(**fields) for _ in range(n)]


def referred(people: list[Person], *, days_ago: int, closed_with_minutes: int | None = None) -> None:
    """One referral naming `people`, made `days_ago` days ago (each a case)."""
    at = timezone.now() - timedelta(days=days_ago)
    referral = Referral.objects.create(category="other", occurred_on=date(2025, 1, 1), summary="A hard shift.",
                                       source="colleague", received_at=at)
    for person in people:
        case = Case.objects.create(referral=referral, peer=person, created_at=at,
                                   state=CaseState.CLOSED if closed_with_minutes else CaseState.AWAITING_ASSIGNMENT,
                                   closed_at=at + timedelta(days=10) if closed_with_minutes else None)
        if closed_with_minutes:
            Encounter.objects.create(case=case, held_on=at.date(), minutes=closed_with_minutes,
                                     mode=EncounterMode.PHONE)


def lines(result) -> dict[str, tuple[float, Source]]:
    return {line.role: (round(line.rate, 2), line.source) for line in result.plan.lines}


def test_the_population_is_the_active_people_in_the_chosen_roles_and_site(program, director):
    staff(3, role_type=RoleType.PHYSICIAN, site="North")
    staff(2, role_type=RoleType.NURSE, site="North")
    staff(4, role_type=RoleType.NURSE, site="South")
    staff(2, role_type=RoleType.NURSE, site="North", active=False)
    north = planning(Choice("nurses", "North"), program_id=program.program_id, with_team_detail=False)
    assert {line.role: line.people for line in north.plan.lines}[RoleType.NURSE] == 2
    assert north.plan.people == 5
    every_site = planning(Choice("nurses", ""), program_id=program.program_id, with_team_detail=False)
    # The director fixture is a physician at Main Campus.
    assert every_site.plan.people == 3 + 2 + 4 + 1
    physicians = planning(Choice("physicians", ""), program_id=program.program_id, with_team_detail=False)
    assert physicians.plan.people == 4 and RoleType.NURSE not in {line.role for line in physicians.plan.lines}


def test_before_a_year_of_history_the_planner_uses_its_default_rates(program, director):
    nurses = staff(40, role_type=RoleType.NURSE)
    referred(nurses[:20], days_ago=100)
    result = planning(Choice("nurses", ""), program_id=program.program_id, with_team_detail=False)
    assert not result.has_history_year
    assert lines(result)[RoleType.NURSE] == (DEFAULT_RATE, Source.DEFAULT)


def test_after_a_year_a_role_with_enough_referrals_uses_the_programs_own_rate(program, director):
    nurses = staff(100, role_type=RoleType.NURSE)
    physicians = staff(50, role_type=RoleType.PHYSICIAN)
    referred(physicians[:1], days_ago=400)  # the program's first case, over a year ago
    referred(nurses[:20], days_ago=30)
    referred(physicians[1:6], days_ago=30)  # five: under the threshold of 11
    result = planning(Choice("nurses", ""), program_id=program.program_id, with_team_detail=False)
    assert result.has_history_year
    assert lines(result)[RoleType.NURSE] == (20.0, Source.HISTORY)
    assert lines(result)[RoleType.PHYSICIAN] == (DEFAULT_RATE, Source.DEFAULT)


def test_after_a_year_conversations_and_minutes_come_from_the_programs_closed_cases(program, director):
    people = staff(12, role_type=RoleType.PHYSICIAN)
    referred(people[:1], days_ago=500)
    referred(people, days_ago=60, closed_with_minutes=40)
    plan = planning(Choice("physicians", ""), program_id=program.program_id, with_team_detail=False).plan
    assert (plan.encounters_per_case, plan.encounters_source) == (1.0, Source.HISTORY)
    assert (plan.minutes_per_encounter, plan.minutes_source) == (40, Source.HISTORY)


def test_grow_to_nurses_names_the_departments_with_most_nurses_and_fewest_nurse_supporters(program, director):
    PlannerSettings.objects.create(program_id=program.program_id, rates={RoleType.NURSE: 100.0})
    staff(60, role_type=RoleType.NURSE, department="Intensive Care")
    staff(30, role_type=RoleType.NURSE, department="Emergency")
    oncology = staff(60, role_type=RoleType.NURSE, department="Oncology")
    for person in oncology[:4]:
        make_supporter(person)
    grow = planning(Choice("nurses", ""), program_id=program.program_id, with_team_detail=True).grow_to_nurses
    assert grow is not None and grow.nurse_supporters_now == 4 and grow.more > 0
    assert sum(row.recruit for row in grow.departments) == grow.more
    assert grow.departments[0].department == "Intensive Care"
    assert grow.departments[0].recruit >= max(row.recruit for row in grow.departments)


def test_coverage_gaps_say_where_a_served_role_has_no_supporter_of_its_own(program, director):
    staff(20, role_type=RoleType.NURSE, site="North")
    make_supporter(make_person(role_type=RoleType.PHYSICIAN, site="North"))
    found = planning(Choice("nurses", "North"), program_id=program.program_id, with_team_detail=True)
    gaps = [gap.text for gap in found.gaps]
    assert "No nurse supporter is available at North (none at other sites)." in gaps


def test_the_planner_counts_in_a_few_queries_whatever_the_roster(program, director, django_assert_max_num_queries):
    staff(30, role_type=RoleType.NURSE, department="ICU")
    planning(Choice("care_team", ""), program_id=program.program_id, with_team_detail=True)
    staff(60, role_type=RoleType.NURSE, department="Clinic")
    with django_assert_max_num_queries(20):
        planning(Choice("care_team", ""), program_id=program.program_id, with_team_detail=True)


@pytest.mark.parametrize("serve", list(CHOICES))
def test_the_director_sees_the_plan_for_each_choice(client, director, program, serve):
    staff(5, role_type=RoleType.NURSE, site="North", department="ICU")
    client.force_login(director)
    response = client.get(reverse("planner"), {"serve": serve, "site": "North"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="plan"' in page and 'data-testid="coverage-gaps"' in page
    assert str(CHOICES[serve][0]) in page
    assert ('data-testid="grow-to-nurses"' in page) == (RoleType.NURSE in CHOICES[serve][1])


def test_the_page_starts_at_whom_the_program_serves_today(client, director, program):
    client.force_login(director)
    response = client.get(reverse("planner"))
    assert response.status_code == 200 and response.context["planning"].choice == Choice("physicians", "")


def test_leadership_sees_the_plan_but_not_the_team_member_by_member(client, leader, program):
    staff(5, role_type=RoleType.NURSE, department="ICU")
    client.force_login(leader)
    page = client.get(reverse("planner"), {"serve": "nurses"}).content.decode()
    assert 'data-testid="plan"' in page
    assert 'data-testid="coverage-gaps"' not in page and 'data-testid="grow-to-nurses"' not in page
    # A team smaller than the threshold is not counted for leadership, here as on the composition page.
    assert f"&lt;{program.small_count_threshold} active today" in page
    assert client.get(reverse("planner-assumptions")).status_code == 200
    response = client.post(reverse("planner-assumptions"), {"case_days": 30})
    assert response.status_code == 403


def test_supporters_administrators_and_clinicians_cannot_use_the_planner(client, supporter_a, administrator,
                                                                         outsider):
    for user in (supporter_a.person.user, administrator, outsider):
        client.force_login(user)
        assert client.get(reverse("planner")).status_code == 403


@pytest.mark.parametrize("query", [{"serve": "everyone"}, {"site": "Nowhere"}, {"serve": ["nurses", "x"]}])
def test_a_choice_that_is_not_offered_is_refused_with_a_reason(client, director, program, query):
    client.force_login(director)
    response = client.get(reverse("planner"), query)
    assert response.status_code == 400
    assert b"field-error" in response.content and b'data-testid="plan"' not in response.content


def assumptions_body(**changes):
    body = {**{f"rate_{role}": DEFAULT_RATE for role in RoleType.values}, "encounters_per_case": 1.5,
            "minutes_per_encounter": 60, "case_days": 21, "available_percent": 80, "director_base_hours_week": 2,
            "director_minutes_per_referral": 20}
    body.update(changes)
    return body


def test_the_director_changes_the_assumptions_and_the_plan_follows(client, director, program):
    staff(200, role_type=RoleType.NURSE)
    client.force_login(director)
    response = client.post(reverse("planner-assumptions"), assumptions_body(rate_nurse=12.5, case_days=30))
    assert response.status_code == 302
    settings = PlannerSettings.for_program(program.program_id)
    assert settings.effective_rates()[RoleType.NURSE] == 12.5 and settings.case_days == 30
    assert AuditEntry.objects.filter(action="planner.settings_update").count() == 1
    plan = planning(Choice("nurses", ""), program_id=program.program_id, with_team_detail=False).plan
    nurse = next(line for line in plan.lines if line.role == RoleType.NURSE)
    assert nurse.referrals == 200 * 12.5 / 100


@pytest.mark.parametrize("bad", [{"rate_nurse": "550"}, {"rate_nurse": "nan"}, {"case_days": "0"},
                                 {"minutes_per_encounter": "lots"}, {"encounters_per_case": "-1"}])
def test_bad_assumptions_are_refused_with_a_reason_and_change_nothing(client, director, program, bad):
    client.force_login(director)
    response = client.post(reverse("planner-assumptions"), assumptions_body(**bad))
    assert response.status_code == 422 and b"field-error" in response.content
    assert PlannerSettings.for_program(program.program_id).case_days == 21
    assert not AuditEntry.objects.filter(action="planner.settings_update").exists()
