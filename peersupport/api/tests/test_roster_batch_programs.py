"""The roster batches keep each program's staff to their own program's people: another program's
person, or a site of another program, is a bad item, and the whole batch changes nothing."""

import pytest
from django.urls import reverse

from peersupport.program.models import Program
from peersupport.roster.models import Person, Supporter
from peersupport.testing.factories import make_person, make_supporter, record_initial_training

pytestmark = pytest.mark.django_db

NEW = {"name": "Nico New", "role_type": "physician", "rank": 3, "active": True}


def test_a_programs_people_batch_refuses_another_programs_person_and_site(
        call, second_program, director_of_second_program):
    main = make_person(employee_id="M0001", name="Mia Main", site="Main Campus")
    own = make_person(employee_id="N0001", name="Nell Northside", site="Northside")
    people = [
        {"employee_id": "N0001", **NEW, "site": "Northside"},  # their own: fine alone
        {"employee_id": "M0001", **NEW, "site": "Northside"},  # another program's person
        {"employee_id": "N0002", **NEW, "site": "Main Campus"},  # new, at another program's site
        {"employee_id": "N0001", **NEW, "site": ""},  # (a repeat: refused for that already)
    ]
    response = call(director_of_second_program, "POST", "/people/batch", {"people": people[:3]})
    assert response.status_code == 422, response.json()
    errors = {(e["loc"][1], e["loc"][2]): e["msg"] for e in response.json()["errors"]}
    assert set(errors) == {(1, "employee_id"), (2, "site")}
    assert "another program's roster" in errors[(1, "employee_id")]
    assert "belongs to another program" in errors[(2, "site")]
    # Nothing changed, their own entry included.
    assert Person.objects.get(pk=main.pk).name == "Mia Main"
    assert Person.objects.get(pk=own.pk).name == "Nell Northside"
    assert not Person.objects.filter(employee_id="N0002").exists()

    # Moving their own person to another program's site is refused too.
    moved = {"employee_id": "N0001", **NEW, "site": "Main Campus"}
    response = call(director_of_second_program, "POST", "/people/batch", {"people": [moved]})
    assert response.status_code == 422
    assert Person.objects.get(pk=own.pk).program == second_program

    response = call(director_of_second_program, "POST", "/people/batch", {"people": people[:1]})
    assert response.status_code == 200, response.json()
    assert Person.objects.get(pk=own.pk).name == "Nico New"


def test_the_installations_roster_feed_still_writes_every_program(call, integration, second_program):
    people = [{"employee_id": "M0001", **NEW, "site": "Main Campus"},
              {"employee_id": "N0001", **NEW, "site": "Northside"}]
    response = call(integration, "POST", "/people/batch", {"people": people})
    assert response.status_code == 200, response.json()
    assert dict(Person.objects.values_list("employee_id", "program_id")) == {
        "M0001": Program.default().pk, "N0001": second_program.pk}


def test_a_programs_supporters_batch_refuses_another_programs_person(
        call, second_program, director_of_second_program):
    main = make_supporter(make_person(employee_id="M0001", name="Mia Main"))
    own = make_person(employee_id="N0001", name="Nell Northside", site="Northside")
    record_initial_training(own)
    body = {"supporters": [{"employee_id": "N0001", "status": "active"},
                           {"employee_id": "M0001", "status": "paused"}]}
    response = call(director_of_second_program, "POST", "/supporters/batch", body)
    assert response.status_code == 422, response.json()
    errors = [(e["loc"][1], e["loc"][2], e["msg"]) for e in response.json()["errors"]]
    assert [(index, field) for index, field, _ in errors] == [(1, "employee_id")]
    assert "another program's roster" in errors[0][2]
    assert Supporter.objects.get(pk=main.pk).status == main.status
    assert not Supporter.objects.filter(person=own).exists()

    response = call(director_of_second_program, "POST", "/supporters/batch", {"supporters": body["supporters"][:1]})
    assert response.status_code == 200, response.json()
    assert Supporter.objects.get(person=own).status == "active"


def test_one_person_cannot_be_added_or_moved_to_another_programs_site(
        call, client, second_program, director_of_second_program):
    own = make_person(employee_id="N0001", name="Nell Northside", site="Northside")
    response = call(director_of_second_program, "PUT", "/people/N0001", {**NEW, "site": "Main Campus"})
    assert response.status_code == 422, response.json()
    assert response.json()["errors"][0]["loc"][-1] == "site"
    response = call(director_of_second_program, "PUT", "/people/N0002", {**NEW, "site": "Main Campus"})
    assert response.status_code == 422
    assert Person.objects.get(pk=own.pk).site == "Northside"
    assert not Person.objects.filter(employee_id="N0002").exists()
    # The add-person page says why and adds no one.
    client.force_login(director_of_second_program)
    page = client.post(reverse("person-new"), {"employee_id": "N0003", "name": "Nico New", "role_type": "physician",
                                               "rank": 3, "site": "Main Campus"})
    assert page.status_code == 422 and "belongs to another program" in page.content.decode()
    assert not Person.objects.filter(employee_id="N0003").exists()
    response = call(director_of_second_program, "PUT", "/people/N0002", {**NEW, "site": "Northside"})
    assert response.status_code == 201
