"""POST /people/batch and POST /supporters/batch: the roster feed's bulk path."""

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peersupport.audit.models import AuditEntry
from peersupport.roster.models import Person, Supporter
from peersupport.roster.services import PERSON_FIELDS, SUPPORTER_FIELDS, PersonInput, people_upsert_batch
from peersupport.testing.factories import make_person, record_initial_training

DANA = {"name": "Dana Reyes", "email": "dreyes@example.org", "phone": "+1 555 0100",
        "role_type": "physician", "specialty": "Anesthesiology", "department": "Anesthesia",
        "rank": 3, "interventional": True, "supervisor_employee_id": "E0001",
        "site": "Main Campus", "gender": "female", "active": True}


def person(employee_id: str, **fields: Any) -> dict[str, Any]:
    return {"employee_id": employee_id, **{**DANA, "supervisor_employee_id": None}, **fields}


def row(p: Person) -> dict[str, Any]:
    values = {name: getattr(p, name) for name in PERSON_FIELDS}
    return {**values, "supervisor": p.supervisor.employee_id if p.supervisor else None}


@pytest.fixture
def chief(db) -> Person:
    return make_person(employee_id="E0001", name="Chris Chief")


def test_batch_creates_then_updates_and_counts_each(call, integration, chief):
    people = [person("E1"), person("E2", supervisor_employee_id="E0001"), person("E3", rank=5)]
    response = call(integration, "POST", "/people/batch", {"people": people})
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 3, "updated": 0, "unchanged": 0}
    assert Person.objects.get(employee_id="E2").supervisor == chief

    people[0]["rank"] = 4
    people.append(person("E4"))
    response = call(integration, "POST", "/people/batch", {"people": people})
    assert response.json() == {"created": 1, "updated": 1, "unchanged": 2}
    assert Person.objects.get(employee_id="E1").rank == 4


def test_one_audit_entry_per_batch_with_counts_only(call, director, chief):
    before = AuditEntry.objects.count()
    call(director, "POST", "/people/batch", {"people": [person(f"E{i}") for i in range(1, 6)]})
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [e.action for e in entries] == ["roster.batch"]
    assert entries[0].detail == {"created": 5, "updated": 0, "unchanged": 0}
    assert entries[0].via == "api"


def test_supervisor_named_later_in_the_same_batch_is_resolved(call, director, db):
    people = [person("E2", supervisor_employee_id="E1"), person("E1", supervisor_employee_id="E3"),
              person("E3", supervisor_employee_id="E2")]  # a loop, as the single PUT allows
    response = call(director, "POST", "/people/batch", {"people": people})
    assert response.status_code == 200, response.json()
    supervisors = dict(Person.objects.filter(employee_id__in=["E1", "E2", "E3"])
                       .values_list("employee_id", "supervisor__employee_id"))
    assert supervisors == {"E1": "E3", "E2": "E1", "E3": "E2"}


def test_an_existing_person_gets_a_supervisor_created_in_the_same_batch(call, director, db):
    make_person(employee_id="E1", **{k: v for k, v in DANA.items() if k != "supervisor_employee_id"})
    response = call(director, "POST", "/people/batch",
                    {"people": [person("E1", supervisor_employee_id="E9"), person("E9")]})
    assert response.json() == {"created": 1, "updated": 1, "unchanged": 0}
    assert Person.objects.get(employee_id="E1").supervisor.employee_id == "E9"


def test_any_invalid_item_refuses_the_batch_naming_each_by_index_and_changes_nothing(call, director, chief):
    make_person(employee_id="E1", name="Old Name")
    before = AuditEntry.objects.count()
    people = [person("E1", name="New Name"), person("E2", email="not an email"), person("E3"),
              person("E4", supervisor_employee_id="NOPE"), person("E2"), person("E5", supervisor_employee_id="E5")]
    response = call(director, "POST", "/people/batch", {"people": people})
    assert response.status_code == 422
    body = response.json()
    assert [e["loc"] for e in body["errors"]] == [
        ["people", 1, "email"], ["people", 3, "supervisor_employee_id"], ["people", 4, "employee_id"],
        ["people", 5, "supervisor_employee_id"]]
    assert "people.3.supervisor_employee_id: Unknown supervisor_employee_id: NOPE." in body["detail"]
    assert "E2 is already item 1" in body["detail"]
    assert body["detail"].startswith("Nothing was changed: 4 of the people are invalid.")
    assert Person.objects.get(employee_id="E1").name == "Old Name"
    assert not Person.objects.filter(employee_id__in=["E2", "E3", "E4", "E5"]).exists()
    assert AuditEntry.objects.count() == before


def test_schema_errors_name_the_item_by_index_and_field(call, director, db):
    response = call(director, "POST", "/people/batch",
                    {"people": [person("E1"), person("E2", rank=9), {**person("E3"), "note": "x"}]})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["people", 1, "rank"], ["people", 2, "note"]]
    assert not Person.objects.filter(employee_id__startswith="E").exists()


def test_more_than_1000_items_are_refused(call, director, db):
    response = call(director, "POST", "/people/batch", {"people": [person(f"E{i}") for i in range(1001)]})
    assert response.status_code == 422
    assert not Person.objects.filter(employee_id__startswith="E").exists()


def test_a_batch_and_single_puts_produce_the_same_rows(call, director, chief):
    people = [
        person("E1", name="  Dana   Reyes ", specialty=" Anesthesiology ",
               supervisor_employee_id="E0001"),
        person("E2", role_type="nurse", rank=1, interventional=False, active=False, gender="",
               supervisor_employee_id="E1"),
        person("E3", phone="", site="North", department="ICU", supervisor_employee_id=None),
    ]
    for item in people:
        body = {k: v for k, v in item.items() if k != "employee_id"}
        assert call(director, "PUT", f"/people/{item['employee_id']}", body).status_code == 201
    by_put = {p.employee_id: row(p) for p in Person.objects.filter(employee_id__in=["E1", "E2", "E3"])}
    Person.objects.filter(employee_id__in=["E1", "E2", "E3"]).delete()

    assert call(director, "POST", "/people/batch", {"people": people}).status_code == 200
    by_batch = {p.employee_id: row(p) for p in Person.objects.filter(employee_id__in=["E1", "E2", "E3"])}
    assert by_batch == by_put


def test_the_same_number_of_queries_for_a_batch_of_10_and_of_200(director, chief):
    def batch(first: int, size: int) -> list[tuple[str, PersonInput]]:
        # Each batch names a supervisor on the roster, one later in the batch, and updates one entry.
        items = [(f"E{first + i}", PersonInput(name=f"Person {i}", supervisor_employee_id=f"E{first + i + 1}"))
                 for i in range(size - 1)]
        return [*items, (f"E{first + size - 1}", PersonInput(name="Last", supervisor_employee_id="E0001")),
                ("E0001", PersonInput(name="Chris Chief", rank=5))]

    counts = []
    for first, size in ((1_000, 10), (2_000, 200)):
        with CaptureQueriesContext(connection) as captured:
            result = people_upsert_batch(actor=director, items=batch(first, size))
        assert result.created == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_supporters_batch_creates_updates_and_refuses_unknown_people(call, director, db):
    for employee_id in ("E1", "E2", "E3"):
        make_person(employee_id=employee_id)
    record_initial_training(Person.objects.get(employee_id="E1"))
    supporters = [{"employee_id": "E1", "status": "active", "capacity": 2, "trained_on": "2026-01-15",
                   "experience": ["litigation", "patient_death", "litigation"]},
                  {"employee_id": "E2", "status": "nominated"}]
    response = call(director, "POST", "/supporters/batch", {"supporters": supporters})
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert Supporter.objects.get(person__employee_id="E1").experience == ["litigation", "patient_death"]
    assert AuditEntry.objects.filter(action="supporter.batch", detail__created=2).count() == 1

    supporters[1]["status"] = "in_training"
    response = call(director, "POST", "/supporters/batch",
                    {"supporters": [*supporters, {"employee_id": "E3", "status": "nominated"}]})
    assert response.json() == {"created": 1, "updated": 1, "unchanged": 1}

    response = call(director, "POST", "/supporters/batch", {"supporters": [
        {"employee_id": "E1", "status": "retired"}, {"employee_id": "NOPE", "status": "nominated"},
        {"employee_id": "E2", "status": "active"}, {"employee_id": "E1", "status": "paused"}]})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [
        ["supporters", 1, "employee_id"], ["supporters", 2, "status"], ["supporters", 3, "employee_id"]]
    assert Supporter.objects.get(person__employee_id="E1").status == "active"


def test_a_supporters_batch_and_single_puts_produce_the_same_rows(call, director, db):
    for employee_id in ("E1", "E2"):
        make_person(employee_id=employee_id)
    record_initial_training(Person.objects.get(employee_id="E1"))
    supporters = [{"employee_id": "E1", "status": "active", "capacity": 3, "trained_on": "2026-01-15",
                   "experience": ["patient_death", "litigation"], "on_call": True},
                  {"employee_id": "E2", "status": "paused", "paused_until": "2026-12-31"}]

    def rows() -> dict[str, dict[str, Any]]:
        return {s.person.employee_id: {name: getattr(s, name) for name in SUPPORTER_FIELDS}
                for s in Supporter.objects.select_related("person")}

    for item in supporters:
        body = {k: v for k, v in item.items() if k != "employee_id"}
        assert call(director, "PUT", f"/supporters/{item['employee_id']}", body).status_code == 201
    by_put = rows()
    Supporter.objects.all().delete()
    assert call(director, "POST", "/supporters/batch", {"supporters": supporters}).status_code == 200
    assert rows() == by_put
    assert by_put["E2"]["paused_until"] == date(2026, 12, 31)


@pytest.mark.parametrize("path,body", [
    ("/people/batch", {"people": [person("E1")]}),
    ("/supporters/batch", {"supporters": [{"employee_id": "E1", "status": "nominated"}]}),
])
def test_roles_outside_the_roster_writers_are_refused(call, supporter_a, referrer, path, body):
    for persona in (supporter_a, referrer):
        assert call(persona, "POST", path, body).status_code == 403
    assert not Person.objects.filter(employee_id="E1").exists()
