"""Each program keeps its own on-call rota: its director builds teams of its own supporters, its
weeks do not collide with another program's, and its queue shows who of its own is on call."""

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from peersupport.lib.errors import InvalidInput
from peersupport.team.feeds import supporter_feed
from peersupport.team.models import OnCallWeek, Participation
from peersupport.team.selectors import on_call_now
from peersupport.team.services import on_call_team_save, on_call_week_set
from peersupport.team.tests.helpers import this_monday
from peersupport.testing.factories import make_person, make_supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def northside_supporter(second_program):
    return make_supporter(make_person(name="Noor Northside", site="Northside"))


def test_two_programs_each_put_a_team_on_call_the_same_week(director, director_of_second_program, supporter_a,
                                                            northside_supporter):
    ours = on_call_team_save(actor=director, name="Team A", supporter_ids=[supporter_a.pk])
    # The same name is free in another program.
    theirs = on_call_team_save(actor=director_of_second_program, name="Team A", supporter_ids=[northside_supporter.pk])
    on_call_week_set(actor=director, starts_on=this_monday(), team_id=ours.pk)
    on_call_week_set(actor=director_of_second_program, starts_on=this_monday(), team_id=theirs.pk)

    assert OnCallWeek.objects.count() == 2
    assert on_call_now(director.program_pk).members == [supporter_a]
    assert on_call_now(director_of_second_program.program_pk).members == [northside_supporter]
    # Clearing one program's week leaves the other's.
    on_call_week_set(actor=director_of_second_program, starts_on=this_monday(), team_id=None)
    assert on_call_now(director.program_pk) is not None and on_call_now(director_of_second_program.program_pk) is None


def test_a_team_is_made_of_the_programs_own_supporters(director, director_of_second_program, supporter_a):
    with pytest.raises(InvalidInput, match="another hospital"):
        on_call_team_save(actor=director_of_second_program, name="Borrowed", supporter_ids=[supporter_a.pk])
    ours = on_call_team_save(actor=director, name="Team A", supporter_ids=[supporter_a.pk])
    with pytest.raises(InvalidInput):
        on_call_week_set(actor=director_of_second_program, starts_on=this_monday(), team_id=ours.pk)
    assert not OnCallWeek.objects.exists()


def test_the_rota_page_shows_the_directors_own_program_only(client: Client, director, director_of_second_program,
                                                           supporter_a, northside_supporter):
    on_call_team_save(actor=director, name="Riverside nights", supporter_ids=[supporter_a.pk])
    client.force_login(director_of_second_program)
    page = client.get(reverse("on-call")).content.decode()
    assert "Riverside nights" not in page and supporter_a.person.name not in page
    assert northside_supporter.person.name in page
    client.force_login(director)
    assert "Riverside nights" in client.get(reverse("on-call")).content.decode()


def test_a_supporters_feed_speaks_their_language(director, supporter_a):
    supporter_a.person.language = "es"
    supporter_a.person.save(update_fields=["language"])
    team = on_call_team_save(actor=director, name="Team A", supporter_ids=[supporter_a.pk])
    on_call_week_set(actor=director, starts_on=this_monday(), team_id=team.pk)
    participation = Participation.objects.create(supporter=supporter_a)

    calendar = Calendar.from_ical(supporter_feed(participation))
    [event] = calendar.walk("VEVENT")
    assert str(calendar["x-wr-calname"]) == "Apoyo entre pares: mis semanas de guardia"
    assert str(event["summary"]) == "De guardia para el apoyo entre pares (Team A)"
    assert "Programa de Apoyo entre Pares" in str(event["description"])
