"""PUT/GET /people/{employee_id} and PUT/GET /supporters/{employee_id}."""

import pytest

from peersupport.audit.models import AuditEntry
from peersupport.roster.models import Person, Supporter
from peersupport.testing.factories import make_person, record_initial_training

DANA = {"name": "Dana Reyes", "email": "dreyes@example.org", "phone": "+1 555 0100",
        "role_type": "physician", "specialty": "Anesthesiology", "department": "Anesthesia",
        "rank": 3, "interventional": True, "supervisor_employee_id": "E0001",
        "site": "Main Campus", "gender": "female", "active": True}


@pytest.fixture
def chief(db):
    return make_person(employee_id="E0001", name="Chris Chief")


def test_put_person_creates_201_then_updates_200(call, integration, chief):
    response = call(integration, "PUT", "/people/E1042", DANA)
    assert response.status_code == 201
    body = response.json()
    assert body["employee_id"] == "E1042"
    # Race and ethnicity and the age band are stored and never answered back (docs/team.md).
    assert {k: body[k] for k in DANA} == DANA
    assert not {"race_ethnicity", "age_band"} & set(body)
    response = call(integration, "PUT", "/people/E1042", {**DANA, "rank": 4})
    assert response.status_code == 200
    assert response.json()["rank"] == 4
    assert Person.objects.get(employee_id="E1042").supervisor == chief
    assert AuditEntry.objects.filter(action="person.update", via="api").exists()


def test_get_person(call, administrator, chief):
    call(administrator, "PUT", "/people/E1042", DANA)
    response = call(administrator, "GET", "/people/E1042")
    assert response.status_code == 200
    assert response.json()["supervisor_employee_id"] == "E0001"


def test_unknown_person_is_404(call, director):
    response = call(director, "GET", "/people/NOPE")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_unknown_supervisor_is_422_naming_it(call, director, db):
    response = call(director, "PUT", "/people/E1042", DANA)
    assert response.status_code == 422
    assert "E0001" in response.json()["detail"]
    assert not Person.objects.filter(employee_id="E1042").exists()


def test_unknown_field_is_refused(call, director, chief):
    response = call(director, "PUT", "/people/E1042", {**DANA, "note": "had a rough week"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "unexpected field 'note'"
    assert body["errors"][0]["loc"] == ["note"]
    assert not Person.objects.filter(employee_id="E1042").exists()


@pytest.mark.parametrize(("field", "value", "named"), [
    ("rank", "3", "rank"),
    ("rank", 9, "rank"),
    ("interventional", "yes", "interventional"),
    ("role_type", "surgeon", "role_type"),
    ("name", "x" * 201, "name"),
    ("name", 42, "name"),
    ("phone", "1" * 41, "phone"),
])
def test_wrong_types_bad_enums_and_overlong_strings_are_422(call, director, chief, field, value,
                                                            named):
    response = call(director, "PUT", "/people/E1042", {**DANA, field: value})
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{named}: ")


def test_missing_name_is_named(call, director, chief):
    body = {k: v for k, v in DANA.items() if k != "name"}
    response = call(director, "PUT", "/people/E1042", body)
    assert response.status_code == 422
    assert response.json()["detail"] == "name: field required"


def test_put_supporter_creates_201_then_updates_200(call, director, db):
    record_initial_training(make_person(employee_id="E3301"))
    body = {"status": "active", "capacity": 2, "trained_on": "2026-09-01",
            "experience": ["litigation", "patient_death"], "paused_until": None}
    response = call(director, "PUT", "/supporters/E3301", body)
    assert response.status_code == 201
    assert response.json()["employee_id"] == "E3301"
    assert response.json()["experience"] == ["litigation", "patient_death"]
    response = call(director, "PUT", "/supporters/E3301", {**body, "status": "paused"})
    assert response.status_code == 200
    assert Supporter.objects.get(person__employee_id="E3301").status == "paused"
    got = call(director, "GET", "/supporters/E3301")
    assert got.status_code == 200 and got.json()["status"] == "paused"


def test_supporter_for_someone_not_on_the_roster_is_422(call, director):
    response = call(director, "PUT", "/supporters/E9999", {"status": "nominated"})
    assert response.status_code == 422
    assert "E9999" in response.json()["detail"]


def test_supporter_bad_experience_is_422(call, director, db):
    make_person(employee_id="E3301")
    response = call(director, "PUT", "/supporters/E3301",
                    {"status": "nominated", "experience": ["karaoke"]})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("experience.0: ")


def test_unknown_supporter_is_404(call, director):
    assert call(director, "GET", "/supporters/E9999").status_code == 404
