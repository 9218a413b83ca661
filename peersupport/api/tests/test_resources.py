"""GET and POST /resources."""

import pytest

from peersupport.audit.models import AuditEntry
from peersupport.resources.models import Resource

EAP = {"name": "Employee Assistance Program", "category": "counseling",
       "contact": "+1 555 0199", "description": "Free, confidential counseling, 24/7."}


def test_director_adds_a_resource_201_with_its_id(call, director):
    response = call(director, "POST", "/resources", EAP)
    assert response.status_code == 201
    body = response.json()
    assert Resource.objects.get(pk=body["id"]).name == EAP["name"]
    assert {k: body[k] for k in EAP} == EAP
    assert AuditEntry.objects.filter(action="resource.create", object_id=str(body["id"])).exists()


def test_anyone_signed_in_reads_the_directory(call, administrator, leader):
    call(administrator, "POST", "/resources", EAP)
    Resource.objects.create(name="Retired line", category="crisis", active=False)
    response = call(leader, "GET", "/resources")
    assert response.status_code == 200
    assert [r["name"] for r in response.json()] == [EAP["name"]]


@pytest.mark.parametrize(("change", "named"), [
    ({"category": "massage"}, "category"),
    ({"name": ""}, "name"),
    ({"description": "x" * 501}, "description"),
    ({"url": "https://example.org"}, "'url'"),
])
def test_bad_resources_are_422(call, director, change, named):
    response = call(director, "POST", "/resources", {**EAP, **change})
    assert response.status_code == 422
    assert named in response.json()["detail"]
    assert not Resource.objects.exists()
