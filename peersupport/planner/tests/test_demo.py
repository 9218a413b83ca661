"""The demo's director plans an expansion to nurses and sees a plan worth acting on."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from peersupport.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_the_demos_director_plans_an_expansion_to_nurses(client):
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    director = User.objects.get(role=Role.DIRECTOR, email__startswith="director")
    client.force_login(director)
    response = client.get(reverse("planner"), {"serve": "nurses"})
    assert response.status_code == 200
    planning = response.context["planning"]
    plan, grow = planning.plan, planning.grow_to_nurses
    assert plan.people > 0 and plan.referrals > 0 and plan.supporters_needed > 0
    assert grow is not None and grow.nurses > 0 and grow.more > 0
    assert 0 < len(grow.departments) <= grow.more
    assert 'data-testid="nurse-department"' in response.content.decode()
