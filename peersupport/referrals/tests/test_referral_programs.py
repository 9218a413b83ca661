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


def test_the_sentence_check_knows_each_programs_people_by_its_own_served_roles(referrer, northside_serves_nurses):
    """The default program serves physicians only and Northside nurses too: a Northside nurse's name
    is refused in any referral's sentence (the type-ahead shows her), the default program's nurse's
    is not looked for (it would tell who else is on the roster)."""
    make_person(employee_id="P1", name="Pat Main", site="Main Campus")
    make_person(employee_id="N1", name="Nina Nurse", role_type="nurse", site="Northside")
    make_person(employee_id="M1", name="Nico Nurse", role_type="nurse", site="Main Campus")
    for peer in ("P1", "N1"):
        with pytest.raises(InvalidInput) as refused:
            referral_create(referred_by=referrer, data=referral_input(
                peer, summary="Nina Nurse was on the unit when a patient fell."))
        assert [p.code for p in refused.value.problems] == ["summary.roster_name"]
    referral, _ = referral_create(referred_by=referrer, data=referral_input(
        "N1", summary="Nico Nurse was on the unit when a patient fell."))
    assert referral.cases.get().peer.employee_id == "N1"


def test_each_case_is_due_by_its_own_programs_rule_not_the_default_programs(referrer, second_program):
    for program, hours in ((second_program, 1), (None, 12)):
        settings = ProgramSettings.for_program(program)
        settings.assignment_due_hours = hours
        settings.save()
    make_person(employee_id="N1", name="Nina Northside", site="Northside")
    make_person(employee_id="P1", name="Pat Main", site="Main Campus")
    referral, _ = referral_create(referred_by=referrer, data=referral_input("N1", "P1"))
    hours = {case.peer.employee_id: (case.next_due_at - referral.received_at).total_seconds() / 3600
             for case in referral.cases.select_related("peer")}
    assert hours == {"N1": 1, "P1": 12}
