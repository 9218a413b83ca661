"""Whom the team cannot match well: plain Python over the population's groups and the team's facts."""

import random
import time
from datetime import timedelta

from peersupport.composition.coverage import Kind, PopulationGroup, hard_to_match
from peersupport.matching.tests.builders import TODAY, person, rules, supporter

NORTH, SOUTH = "North Campus", "South Campus"


def group(site: str = NORTH, role_type: str = "physician", specialty: str = "Internal Medicine",
          interventional: bool = False, people: int = 40) -> PopulationGroup:
    return PopulationGroup(site=site, role_type=role_type, specialty=specialty, interventional=interventional,
                           people=people)


def texts(population, team, fewer_than: int = 1) -> list[str]:
    return [finding.text for finding in hard_to_match(population, team, rules(), fewer_than=fewer_than)]


def test_no_interventional_supporter_at_a_site_is_found_and_where_there_are_some():
    population = [group(NORTH, interventional=True, specialty="Cardiology"), group(SOUTH)]
    team = [supporter(person(site=NORTH, specialty="Cardiology")),
            supporter(person(site=SOUTH, interventional=True, specialty="Cardiology"))]
    assert texts(population, team) == [
        "No interventional supporter is available at North Campus (1 at other sites)."]


def test_supporters_the_hard_rules_keep_from_any_case_do_not_count():
    population = [group(NORTH, role_type="nurse", specialty="")]
    team = [
        supporter(person(site=NORTH, role_type="nurse"), paused_until=TODAY + timedelta(days=5)),
        supporter(person(site=NORTH, role_type="nurse"), open_cases=2, case_limit=2),
        supporter(person(site=NORTH, role_type="nurse"), trained_on=None),
        supporter(person(site=NORTH, role_type="nurse", active=False)),
        supporter(person(site=NORTH, role_type="nurse"), status="in_training"),
    ]
    assert texts(population, team) == ["No nurse supporter is available at North Campus (none at other sites)."]
    assert texts(population, [*team, supporter(person(site=NORTH, role_type="nurse"))]) == []


def test_kinds_nobody_at_the_site_belongs_to_are_not_listed():
    population = [group(NORTH, role_type="physician", specialty="")]
    team = [supporter(person(site=NORTH, role_type="physician"))]
    # No nurse, no interventionalist and no known specialty at North: nothing to find.
    assert texts(population, team) == []


def test_a_specialty_group_short_of_supporters_is_found_below_the_number_asked():
    population = [group(NORTH, specialty="General Surgery")]
    team = [supporter(person(site=NORTH, specialty="Urology")),
            supporter(person(site=NORTH, specialty="Cardiology"))]
    findings = hard_to_match(population, team, rules(), fewer_than=2)
    assert [(f.kind, f.at_site) for f in findings] == [(Kind("specialty", "surgical"), 1)]
    assert findings[0].text == ("Only one surgical (specialty group) supporter is available at North Campus "
                                "(none at other sites).")


def test_sites_are_matched_whatever_their_spacing_or_case():
    population = [group(" north  campus", role_type="nurse", specialty="")]
    team = [supporter(person(site="North Campus", role_type="nurse"))]
    assert texts(population, team) == []


def test_fast_enough_at_five_thousand_supporters():
    rng = random.Random(10)
    sites = [f"Site {n}" for n in range(20)]
    roles = ["physician", "nurse", "app", "resident", "pharmacist"]
    specialties = ["Cardiology", "General Surgery", "Pediatrics", "Emergency Medicine", "Radiology", "Psychiatry"]
    team = [supporter(person(site=rng.choice(sites), role_type=rng.choice(roles), specialty=rng.choice(specialties),
                             interventional=rng.random() < 0.2), open_cases=rng.randint(0, 2))
            for _ in range(5_000)]
    population = [group(site, role, specialty, interventional, people=rng.randint(1, 200))
                  for site in sites for role in roles for specialty in specialties for interventional in (False, True)]
    started = time.perf_counter()
    hard_to_match(population, team, rules(), fewer_than=5)
    assert time.perf_counter() - started < 1.0
