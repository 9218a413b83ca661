"""The practice scenario library: seeded to cover every kind of event and every role; the director
adds, edits, retires and restores scenarios."""

from django.test import Client
from django.urls import reverse

from peersupport.meetings.models import Scenario
from peersupport.meetings.testing import SCENARIO_BODY
from peersupport.referrals.models import Category
from peersupport.roster.models import RoleType


def test_the_seeded_library_covers_every_event_category_and_every_role(db):
    in_use = Scenario.objects.in_use()
    assert {s.category for s in in_use} == set(Category.values)
    assert {s.role_type for s in in_use} == set(RoleType.values)
    assert all(s.situation and s.feelings for s in in_use)


def test_the_director_adds_edits_retires_and_restores_a_scenario(client: Client, director):
    client.force_login(director)
    assert client.post(reverse("scenario-new"), SCENARIO_BODY).status_code == 302
    scenario = Scenario.objects.get(title="A hard night")

    edited = {**SCENARIO_BODY, "title": "A very hard night", "role_type": "pharmacist"}
    assert client.post(reverse("scenario-edit", args=[scenario.pk]), edited).status_code == 302
    scenario.refresh_from_db()
    assert (scenario.title, scenario.role_type) == ("A very hard night", "pharmacist")

    client.post(reverse("scenario-retire", args=[scenario.pk]))
    assert not Scenario.objects.in_use().filter(pk=scenario.pk).exists()
    client.post(reverse("scenario-restore", args=[scenario.pk]))
    assert Scenario.objects.in_use().filter(pk=scenario.pk).exists()


def test_the_library_page_points_out_a_kind_of_event_left_uncovered(client: Client, director):
    client.force_login(director)
    Scenario.objects.filter(category=Category.LITIGATION).update(retired=True)
    page = client.get(reverse("scenarios")).content.decode()
    assert "No scenario in use for: Litigation." in page


def test_a_scenario_with_a_missing_field_or_an_unknown_choice_is_refused(client: Client, director):
    client.force_login(director)
    before = Scenario.objects.count()
    for bad in ({**SCENARIO_BODY, "situation": "   "}, {**SCENARIO_BODY, "category": "gossip"},
                {**SCENARIO_BODY, "title": "x" * 500}):
        response = client.post(reverse("scenario-new"), bad)
        assert response.status_code == 422
        assert 'data-testid="form-error"' in response.content.decode()
    assert Scenario.objects.count() == before
