"""The roster API's self-identification fields: optional, validated, stored, never answered back."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peersupport.roster.models import Person
from peersupport.roster.services import PersonInput, people_upsert_batch

DANA = {"name": "Dana Reyes", "role_type": "nurse", "site": "North Campus"}
ANSWERS = {"gender": "female", "race_ethnicity": ["white", "black"], "age_band": "40_49"}


def stored(employee_id: str) -> tuple[str, list[str], str]:
    person = Person.objects.get(employee_id=employee_id)
    return person.gender, person.race_ethnicity, person.age_band


def test_put_person_stores_self_identification_and_never_returns_race_or_age(call, integration, director):
    response = call(integration, "PUT", "/people/E1042", {**DANA, **ANSWERS})
    assert response.status_code == 201, response.json()
    # Stored in the table's order, whatever order they came in.
    assert stored("E1042") == ("female", ["black", "white"], "40_49")
    for body in (response.json(), call(director, "GET", "/people/E1042").json()):
        assert not {"race_ethnicity", "age_band"} & set(body)
        # Gender, a matching fact, is answered back as the roster API always did.
        assert body["gender"] == "female"


def test_omitted_self_identification_is_kept_and_empty_clears_it(call, integration):
    call(integration, "PUT", "/people/E1042", {**DANA, **ANSWERS})
    assert call(integration, "PUT", "/people/E1042", {**DANA, "rank": 4}).status_code == 200
    assert stored("E1042") == ("female", ["black", "white"], "40_49")
    call(integration, "PUT", "/people/E1042", {**DANA, "gender": None, "race_ethnicity": [], "age_band": ""})
    assert stored("E1042") == ("female", [], "")


@pytest.mark.parametrize(("field", "value"), [
    ("gender", "F"), ("gender", "Female"), ("race_ethnicity", ["martian"]), ("race_ethnicity", "white"),
    ("race_ethnicity", ["prefer_not_to_say", "asian"]), ("age_band", "45"), ("age_band", 45),
])
def test_a_value_not_on_the_list_is_422_naming_the_field_and_changes_nothing(call, integration, field, value):
    response = call(integration, "PUT", "/people/E1042", {**DANA, field: value})
    assert response.status_code == 422, response.json()
    assert field in str(response.json()["errors"][0]["loc"])
    assert not Person.objects.filter(employee_id="E1042").exists()


def test_batch_sets_what_it_gives_and_keeps_what_it_does_not(call, integration):
    call(integration, "PUT", "/people/E1", {**DANA, **ANSWERS})
    response = call(integration, "POST", "/people/batch", {"people": [
        {"employee_id": "E1", **DANA},
        {"employee_id": "E2", **DANA, "age_band": "under_30"},
        {"employee_id": "E3", **DANA},
    ]})
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 1}
    assert stored("E1") == ("female", ["black", "white"], "40_49")
    assert stored("E2") == ("", [], "under_30")
    response = call(integration, "POST", "/people/batch", {"people": [
        {"employee_id": "E1", **DANA, "race_ethnicity": ["prefer_not_to_say"]}]})
    assert response.json() == {"created": 0, "updated": 1, "unchanged": 0}
    assert stored("E1") == ("female", ["prefer_not_to_say"], "40_49")


def test_batch_with_a_bad_value_names_the_item_and_changes_nothing(call, integration):
    response = call(integration, "POST", "/people/batch", {"people": [
        {"employee_id": "E1", **DANA}, {"employee_id": "E2", **DANA, "race_ethnicity": ["asian", "asian", "x"]}]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][:2] == ["people", 1]
    assert not Person.objects.exists()


def test_the_openapi_schema_documents_the_fields(call):
    schema = call(None, "GET", "/openapi.json").json()
    person_in = schema["components"]["schemas"]["PersonIn"]["properties"]
    assert {"gender", "race_ethnicity", "age_band"} <= set(person_in)
    assert "Never returned" in str(person_in["race_ethnicity"])
    person_out = schema["components"]["schemas"]["PersonOut"]["properties"]
    assert "gender" in person_out and not {"race_ethnicity", "age_band"} & set(person_out)


def test_a_batch_that_omits_an_answer_never_writes_it_so_a_concurrent_own_answer_survives(integration):
    people_upsert_batch(actor=integration, items=[("E1", PersonInput(name="Dana Reyes", gender="female"))])
    with CaptureQueriesContext(connection) as queries:
        people_upsert_batch(actor=integration, items=[("E1", PersonInput(name="Dana Reyes", rank=4))])
    [upsert] = [q["sql"] for q in queries if "ON CONFLICT" in q["sql"]]
    # The update sets what the item gave: the stored answer is not written back from the read.
    assert '"rank" = EXCLUDED."rank"' in upsert and 'EXCLUDED."gender"' not in upsert
    assert stored("E1") == ("female", [], "")
