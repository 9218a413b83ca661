"""A referral is checked against each peer's own program's settings: the roles it serves, for the
involved clinicians, the referral form's type-ahead and the self-referral's address."""

import pytest
from django.urls import reverse

from peersupport.cases.models import Case
from peersupport.lib.errors import InvalidInput
from peersupport.program.models import ProgramSettings
from peersupport.referrals.services import referral_create
from peersupport.referrals.tests.test_referral_create import referral_input
from peersupport.support.services import served_person_with_address
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def northside_serves_nurses(second_program):
    settings = ProgramSettings.for_program(second_program)
    settings.served_role_types = ["physician", "nurse"]
    settings.save()
    return settings


def test_a_peer_is_checked_against_their_own_programs_served_roles(referrer, northside_serves_nurses):
    make_person(employee_id="N1", name="Nina Northside", role_type="nurse", site="Northside")
    make_person(employee_id="M1", name="Max Main", role_type="nurse", site="Main Campus")
    with pytest.raises(InvalidInput, match="M1") as refused:
        referral_create(referred_by=referrer, data=referral_input("N1", "M1"))
    # Only the main program's nurse, with the main program's roles (not Northside's).
    assert [p.code for p in refused.value.problems] == ["involved.role_not_served"]
    assert "nurses" not in refused.value.problems[0].message
    assert not Case.objects.exists()
    referral, _ = referral_create(referred_by=referrer, data=referral_input("N1"))
    assert referral.cases.get().peer.employee_id == "N1"


def test_the_type_ahead_and_the_self_referral_follow_each_programs_served_roles(
        client, referrer, northside_serves_nurses):
    make_person(employee_id="N1", name="Nina Nurse", role_type="nurse", site="Northside", email="nina@example.org")
    make_person(employee_id="M1", name="Nico Nurse", role_type="nurse", site="Main Campus", email="nico@example.org")
    client.force_login(referrer)
    page = client.get(reverse("roster-lookup"), {"q": "Nurse"}).content.decode()
    assert "Nina Nurse" in page and "Nico Nurse" not in page
    assert served_person_with_address("nina@example.org").employee_id == "N1"
    assert served_person_with_address("nico@example.org") is None
