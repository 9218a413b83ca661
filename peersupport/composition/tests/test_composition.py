"""The team's composition beside the served population: counts, suppression, gaps, access."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peersupport.composition.selectors import (
    DIMENSIONS,
    NONE_ON_TEAM,
    UNDER_HALF,
    Dimension,
    composition_table,
    grouped_counts,
    team_composition,
    team_people,
)
from peersupport.program.models import ProgramSettings
from peersupport.roster.models import Person, RoleType, SupporterStatus
from peersupport.testing.factories import make_person, make_supporter

ROLE = next(d for d in DIMENSIONS if d.field == "role_type")
SITE = Dimension("site", "Site", None)


def table(team: dict[str, int], population: dict[str, int], dimension: Dimension = SITE, threshold: int = 11):
    return composition_table(dimension, Counter(team), Counter(population), sum(team.values()),
                             sum(population.values()), threshold)


def cells(t) -> dict[str, tuple[str, str, str, str, str]]:
    return {row.label: (row.team.text, row.team_share, row.population.text, row.population_share, row.gap)
            for row in t.rows}


def test_a_small_team_count_and_the_next_smallest_are_hidden_with_their_shares():
    t = table({"North": 30, "South": 4, "East": 12}, {"North": 300, "South": 200, "East": 100})
    shown = cells(t)
    assert shown["North"][:2] == ("30", "65%")
    assert shown["South"][:2] == ("<11", "")
    # East (12) would give South away as the total (46) minus the rest: hidden too.
    assert shown["East"][:2] == ("<11", "")
    assert t.team_total.text == "46"


def test_a_team_below_the_threshold_shows_no_count_at_all():
    t = table({"North": 6, "South": 3}, {"North": 300, "South": 200})
    assert {row.team.text for row in t.rows} == {"<11"} and t.team_total.text == "<11"
    assert {row.team_share for row in t.rows} == {""}


def test_a_group_with_no_supporter_is_a_gap_said_in_words():
    t = table({"North": 40, "South": 20}, {"North": 300, "South": 200, "East": 100})
    assert cells(t)["East"] == ("0", "0%", "100", "17%", NONE_ON_TEAM)


def test_a_team_share_under_half_the_populations_is_a_gap_and_one_above_is_not():
    t = table({"North": 90, "South": 12}, {"North": 500, "South": 500})
    assert cells(t)["South"][4] == UNDER_HALF  # 12% of the team, 50% of the population
    assert cells(t)["North"][4] == ""


def test_a_hidden_team_count_is_a_gap_only_when_the_shown_figures_prove_it():
    # 100 supporters; Rare is 10% of the population, so 5 would be half its fair share: a count
    # under 11 says nothing, and calling it a gap would tell that it is under 5.
    population = {"Common": 900, "Rare": 100}
    assert cells(table({"Common": 97, "Rare": 3}, population))["Rare"][4] == ""
    # With 300 supporters half its fair share is 15: any hidden count (under 11) is short of it.
    assert cells(table({"Common": 297, "Rare": 3}, population))["Rare"][4] == UNDER_HALF


def test_a_group_whose_population_count_is_hidden_is_never_called_a_gap():
    t = table({"North": 40}, {"North": 400, "Small": 9})
    assert cells(t)["Small"][2:] == ("<11", "", "")


def test_a_very_small_part_of_the_population_is_not_called_a_gap():
    t = table({"North": 40}, {"North": 990, "Tiny": 10})
    assert cells(t)["Tiny"][4] == ""


def test_not_given_and_prefer_not_to_say_are_rows_but_never_gaps():
    gender = next(d for d in DIMENSIONS if d.field == "gender")
    t = table({"female": 20, "": 30}, {"female": 100, "male": 100, "prefer_not_to_say": 50, "": 50}, gender)
    shown = cells(t)
    assert shown["Not given"][4] == "" and shown["Prefer not to say"][4] == ""
    assert shown["Man"][4] == NONE_ON_TEAM


def test_many_groups_show_the_largest_and_count_the_rest_together():
    population = {f"Department {n:02d}": 100 + n for n in range(30)}
    t = table({"Department 29": 20}, population)
    assert len(t.rows) == 21 and t.rows[0].label == "Department 29"
    assert t.rows[-1].label == "All other 10 groups" and t.rows[-1].population.text == f"{sum(range(100, 110)):,}"


@pytest.fixture
def program(db) -> ProgramSettings:
    program = ProgramSettings.current()
    program.served_role_types = [RoleType.PHYSICIAN, RoleType.NURSE]
    # Nothing hidden: these tests count; the suppression is tested above.
    program.small_count_threshold = 1
    program.save()
    return program


def test_race_and_ethnicity_count_each_category_a_person_chose(program):
    make_supporter(make_person(race_ethnicity=["asian", "white"]))
    make_supporter(make_person(race_ethnicity=["asian"]))
    make_supporter(make_person())
    counts = grouped_counts(team_people(ProgramSettings.current()), "race_ethnicity")
    assert counts == Counter({"asian": 2, "white": 1, "": 1})


def test_the_team_is_the_active_supporters_and_the_population_the_active_served_people(program):
    make_supporter(make_person(role_type="nurse"))
    make_supporter(make_person(role_type="nurse"), status=SupporterStatus.PAUSED)
    make_supporter(make_person(role_type="nurse", active=False))
    make_person(role_type="pharmacist")  # not served
    make_person(role_type="physician", active=False)
    composition = team_composition(program)
    roles = cells(next(t for t in composition.tables if t.title == "Professional role"))
    assert roles["Nurse"][0] == "1" and roles["Nurse"][2] == "2"
    assert roles["Physician"][2] == "0" and roles["Pharmacist"][2] == "0"


def test_the_composition_takes_the_same_queries_whatever_the_rosters_size(program):
    for n in range(3):
        make_supporter(make_person(specialty=f"Specialty {n}"))
    with CaptureQueriesContext(connection) as few:
        team_composition(program)
    for n in range(30):
        make_supporter(make_person(department=f"Ward {n}", race_ethnicity=["white"], age_band="30_39"))
    with CaptureQueriesContext(connection) as many:
        team_composition(program)
    # Per side, the fixed-choice dimensions in one query and specialty, department, site and race
    # one each; and the program's settings.
    assert len(many) == len(few) <= 2 * 5 + 1


def test_the_director_sees_the_composition_and_whom_the_team_cannot_match(client, director, program):
    make_supporter(make_person(site="North Campus", interventional=False))
    make_person(site="North Campus", interventional=True, specialty="Interventional Radiology")
    client.force_login(director)
    response = client.get(reverse("team-composition"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="composition-table"' in page and 'data-testid="hard-to-match"' in page
    assert "No interventional supporter is available at North Campus (none at other sites)." in page


def test_leadership_sees_the_counts_but_not_whom_the_team_cannot_match(client, leader, program):
    make_supporter(make_person(site="North Campus"))
    client.force_login(leader)
    response = client.get(reverse("team-composition"))
    assert response.status_code == 200
    assert b'data-testid="hard-to-match"' not in response.content


def test_a_supporter_or_a_clinician_cannot_see_the_composition(client, supporter_a, outsider):
    for user in (supporter_a.person.user, outsider):
        client.force_login(user)
        assert client.get(reverse("team-composition")).status_code == 403


def test_a_bad_number_of_supporters_is_said_under_the_field_and_the_default_shown(client, director, program):
    client.force_login(director)
    for bad in ("0", "many", "21"):
        response = client.get(reverse("team-composition"), {"fewer_than": bad})
        assert response.status_code == 200
        assert b"field-error" in response.content and response.context["fewer_than"] == 2


def test_no_ones_own_answers_appear_on_the_page(client, director, program):
    person = make_person(name="Quinn Unique", race_ethnicity=["native_hawaiian_pacific_islander"])
    make_supporter(person)
    client.force_login(director)
    page = client.get(reverse("team-composition")).content.decode()
    assert "Quinn Unique" not in page and person.employee_id not in page
    assert Person.objects.count() >= 1
