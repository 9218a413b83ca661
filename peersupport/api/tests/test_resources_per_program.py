"""The API's resource directory is the caller's own program's."""

import pytest

from peersupport.resources.models import Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverside_eap(db):
    return Resource.objects.create(name="Riverside EAP", category="counseling", contact="+1 555 0140")


@pytest.fixture
def northside_line(second_program):
    return Resource.objects.create(program=second_program, name="Northside Staff Line", category="crisis",
                                   contact="+1 218 555 0181")


def test_the_api_lists_and_adds_in_the_callers_program(call, director_of_second_program, second_program,
                                                       riverside_eap, northside_line):
    listed = call(director_of_second_program, "GET", "/resources").json()
    assert [r["name"] for r in listed] == ["Northside Staff Line"]
    response = call(director_of_second_program, "POST", "/resources",
                    {"name": "Northside Legal", "category": "medicolegal"})
    assert response.status_code == 201
    assert Resource.objects.get(name="Northside Legal").program == second_program
