"""Each program (hospital) keeps its own resource directory: its staff list and change only theirs
(another program's resource answers 404), and a case is offered its own program's resources,
whichever program its supporter is from."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from peersupport.cases import actions
from peersupport.cases.models import CaseState, ResourceShare
from peersupport.front.tests.helpers import assign, refer
from peersupport.lib.errors import InvalidInput
from peersupport.program.models import ProgramSettings
from peersupport.resources.models import Resource
from peersupport.roster.models import Supporter
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverside_eap(db):
    return Resource.objects.create(name="Riverside EAP", category="counseling", contact="+1 555 0140")


@pytest.fixture
def northside_line(second_program):
    return Resource.objects.create(program=second_program, name="Northside Staff Line", category="crisis",
                                   contact="+1 218 555 0181")


def test_a_program_lists_only_its_own_directory(client, director, director_of_second_program, riverside_eap,
                                                northside_line):
    client.force_login(director_of_second_program)
    page = client.get(reverse("resources")).content.decode()
    assert "Northside Staff Line" in page and "Riverside EAP" not in page
    client.force_login(director)
    page = client.get(reverse("resources")).content.decode()
    assert "Riverside EAP" in page and "Northside Staff Line" not in page


@pytest.mark.parametrize("persona", ["director_of_second_program", "administrator_of_second_program"])
def test_another_programs_staff_find_a_resource_as_one_that_does_not_exist(client, request, riverside_eap, persona):
    client.force_login(request.getfixturevalue(persona))
    body = {"name": "Taken over", "category": "crisis"}
    assert client.get(reverse("resource-edit", args=[riverside_eap.pk])).status_code == 404
    assert client.post(reverse("resource-edit", args=[riverside_eap.pk]), body).status_code == 404
    assert client.post(reverse("resource-deactivate", args=[riverside_eap.pk])).status_code == 404
    Resource.objects.filter(pk=riverside_eap.pk).update(active=False)
    assert client.post(reverse("resource-reactivate", args=[riverside_eap.pk])).status_code == 404
    riverside_eap.refresh_from_db()
    assert (riverside_eap.name, riverside_eap.active) == ("Riverside EAP", False)


def test_a_resource_added_by_a_programs_administrator_is_that_programs(client, administrator_of_second_program,
                                                                       second_program):
    client.force_login(administrator_of_second_program)
    response = client.post(reverse("resource-new"), {"name": "Northside Chaplaincy", "category": "other"})
    assert response.status_code == 302
    assert Resource.objects.get(name="Northside Chaplaincy").program == second_program


@pytest.fixture
def outside_case(second_program, director_of_second_program, referrer, supporter_a):
    """A Northside peer's case held by Riverside's supporter A, shared across programs."""
    Supporter.objects.filter(pk=supporter_a.pk).update(shared_across_programs=True)
    settings = ProgramSettings.for_program(second_program)
    settings.outside_supporter_categories = ["patient_death"]
    settings.save()
    peer = make_person(name="Nico Northside", site="Northside", email="nico@example.org")
    referral = refer(referrer, peer, occurred_on=timezone.localdate() - timedelta(days=3))
    case = assign(director_of_second_program, referral.cases.get(), supporter_a)
    assert case.program == second_program
    return case


def test_a_shared_supporter_offers_the_peers_hospitals_resources(client, supporter_a, outside_case, riverside_eap,
                                                                 northside_line):
    from peersupport.cases.models import Case

    Case.objects.filter(pk=outside_case.pk).update(state=CaseState.ACCEPTED)
    client.force_login(supporter_a.person.user)
    page = client.get(reverse("case", args=[outside_case.pk])).content.decode()
    assert "Northside Staff Line" in page and "Riverside EAP" not in page
    sheet = client.get(reverse("case-sheet", args=[outside_case.pk])).content.decode()
    assert "Northside Staff Line" in sheet and "Riverside EAP" not in sheet
    assert "/support/northside/ask/" in sheet


def test_a_resource_of_another_program_is_refused_on_a_case_with_a_clear_message(
        client, supporter_a, outside_case, riverside_eap, northside_line):
    from peersupport.cases.models import Case

    Case.objects.filter(pk=outside_case.pk).update(state=CaseState.ACCEPTED)
    with pytest.raises(InvalidInput, match="another hospital's directory"):
        actions.case_record_resource(actor=supporter_a.person.user, case_id=outside_case.pk,
                                     resource_id=riverside_eap.pk, facilitated=True)
    with pytest.raises(InvalidInput, match="another hospital's directory"):
        actions.case_send_information_sheet(actor=supporter_a.person.user, case_id=outside_case.pk,
                                            resource_ids=[northside_line.pk, riverside_eap.pk])
    client.force_login(supporter_a.person.user)
    response = client.post(reverse("case-resource", args=[outside_case.pk]),
                           {"resource": riverside_eap.pk, "facilitated": "1"}, follow=True)
    assert "another hospital&#x27;s directory" in response.content.decode()
    assert not ResourceShare.objects.exists()
    # The peer's own hospital's resource is recorded.
    actions.case_record_resource(actor=supporter_a.person.user, case_id=outside_case.pk,
                                 resource_id=northside_line.pk, facilitated=True)
    assert ResourceShare.objects.get().resource == northside_line


def test_the_open_invitation_after_a_decline_lists_the_peers_hospitals_resources(
        supporter_a, outside_case, riverside_eap, northside_line):
    from peersupport.cases.models import Case

    Case.objects.filter(pk=outside_case.pk).update(state=CaseState.OUTREACH_MADE)
    mail.outbox.clear()
    actions.case_record_response(actor=supporter_a.person.user, case_id=outside_case.pk, response="declined")
    from peersupport.notifications.models import OutboxMessage

    [invitation] = OutboxMessage.objects.filter(kind="open_invitation")
    assert "Northside Staff Line" in invitation.body and "Riverside EAP" not in invitation.body
