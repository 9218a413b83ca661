"""Each program's deck: its own name and assumptions, its planner, its peers' feedback and its team."""

from datetime import date

import pytest
from django.urls import reverse

from peersupport.accounts.models import Role
from peersupport.feedback.models import FeedbackAnswer
from peersupport.planner.models import PlannerSettings
from peersupport.program.models import Program
from peersupport.reports.models import DeckSettings
from peersupport.reports.tests.deckfile import read_deck, slide_titled
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.django_db
GOOD = {"program_name": "Northside Cares", "saving_per_clinician": "20000", "supporter_hourly_cost": "95",
        "director_hourly_cost": "130", "other_costs_per_year": "0"}


@pytest.fixture
def northside_director(second_program):
    return make_user(Role.DIRECTOR, program=second_program)


def download(client, user) -> list:
    client.force_login(user)
    response = client.get(reverse("reports-deck-download"), {"period": str(date.today().year)})
    assert response.status_code == 200
    return read_deck(response.content)


def test_a_program_s_deck_carries_its_own_name_and_assumptions(client, director, northside_director):
    client.force_login(northside_director)
    assert client.post(reverse("reports-deck"), GOOD).status_code == 302
    assert DeckSettings.for_program(northside_director.program_pk).program_name == "Northside Cares"
    # The first program's assumptions are untouched: its defaults, under its own name.
    assert DeckSettings.for_program(director.program_pk).program_name == Program.default().name
    theirs = download(client, northside_director)
    assert theirs[0].title == "Northside Cares"
    assert "$95" in slide_titled(theirs, "Return on investment (RISE method)").text
    ours = download(client, director)
    assert ours[0].title == Program.default().name
    assert "$95" not in slide_titled(ours, "Return on investment (RISE method)").text


def test_a_new_program_s_deck_is_named_for_it_until_its_director_says_otherwise(second_program):
    assert DeckSettings.for_program(second_program.pk).program_name == second_program.name
    assert not DeckSettings.objects.exists()  # reading writes nothing


def test_the_deck_s_director_hours_come_from_the_program_s_planner(client, director, northside_director):
    PlannerSettings.objects.create(program_id=northside_director.program_pk, director_base_hours_week=7.5)
    roi = slide_titled(download(client, northside_director), "Return on investment (RISE method)").text
    assert "7.5 hours a week" in roi
    assert "7.5 hours a week" not in slide_titled(download(client, director), "Return on investment (RISE method)").text


def test_the_deck_s_feedback_and_team_are_the_program_s_own(client, director, northside_director, second_program):
    month = date.today().replace(day=1)
    FeedbackAnswer.objects.bulk_create(
        FeedbackAnswer(program=second_program, month=month, category="other", timely="right_time", helped="yes",
                       recommend="yes") for _ in range(12))
    for _ in range(3):
        make_supporter(make_person(site="Northside"))
    theirs = download(client, northside_director)
    assert "100% of peers who answered said it helped" in slide_titled(theirs, "What peers told us").text
    assert "Active supporters: <11" in slide_titled(theirs, "The team and its coverage").text
    assert "Training current: 3;" in slide_titled(theirs, "The team and its coverage").text
    ours = download(client, director)
    assert "No answers yet" in slide_titled(ours, "What peers told us").text
    assert "Active supporters: 0" in slide_titled(ours, "The team and its coverage").text
    assert "Training current: 0;" in slide_titled(ours, "The team and its coverage").text
