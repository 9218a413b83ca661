"""Bad input the fuzzers found (or that their findings pointed to), pinned down one by one.

A NUL character cannot be stored in PostgreSQL's text (nor in its JSON); before these fixes it
reached the database and answered 500 there. Run on PostgreSQL too (`make test-postgres`).
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from peersupport.accounts.models import ApiToken
from peersupport.api.api import api
from peersupport.api.tests.helpers import refer
from peersupport.cases.services import case_assign
from peersupport.referrals.models import Referral
from peersupport.resources.models import Resource
from peersupport.roster.models import Person, Supporter
from peersupport.testing.factories import make_person

TOO_LARGE = 3 * 1024 * 1024  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE is 2.5 MB


@pytest.fixture
def api_client(client: Client, director) -> Client:
    client.raise_request_exception = False  # a 500 is an answer to check, not an exception
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(director)[1]}"
    return client


def send(client: Client, method: str, path: str, body=None, *, raw: str | None = None):
    data = raw if raw is not None else ("" if body is None else json.dumps(body))
    return client.generic(method, "/api/v1" + path, data=data, content_type="application/json")


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Person, Supporter, Referral, Resource))


# The API ------------------------------------------------------------------------------------

NUL_INPUTS = {
    "person name": ("PUT", "/people/E1", {"name": "Robin\x00Example"}, "name"),
    "person supervisor": ("PUT", "/people/E1", {"name": "Robin", "supervisor_employee_id": "E\x002"},
                          "supervisor_employee_id"),
    "employee id in the path": ("PUT", "/people/E%001", {"name": "Robin"}, "employee_id"),
    "employee id to look up": ("GET", "/people/E%001", None, "employee_id"),
    "supporter to look up": ("GET", "/supporters/E%001", None, "employee_id"),
    "supporter to make": ("PUT", "/supporters/E%001", {"status": "active"}, "employee_id"),
    "referral summary": ("POST", "/referrals", {
        "event": {"category": "patient_death", "occurred_on": "2026-01-20", "summary": "A\x00B"},
        "involved": [{"employee_id": "P1"}], "source": "safety_report"}, "event.summary"),
    "involved employee id": ("POST", "/referrals", {
        "event": {"category": "patient_death", "occurred_on": "2026-01-20", "summary": "A hard day."},
        "involved": [{"employee_id": "P\x001"}], "source": "safety_report"}, "involved.0.employee_id"),
    "resource name": ("POST", "/resources", {"name": "Peer\x00circle", "category": "other"}, "name"),
}


@pytest.mark.parametrize("what", NUL_INPUTS)
def test_api_refuses_a_nul_character_in_any_text_with_422_naming_the_field(what, api_client):
    make_person(employee_id="P1")
    method, path, body, field = NUL_INPUTS[what]
    before = counts()
    response = send(api_client, method, path, body)
    assert response.status_code == 422, response.content
    assert f"{field}: must not contain a NUL character" in response.json()["detail"]
    assert counts() == before


def test_api_answers_an_oversized_body_with_a_json_400_and_stores_nothing(api_client):
    before = counts()
    response = send(api_client, "POST", "/resources", {"name": "x" * TOO_LARGE, "category": "other"})
    assert response.status_code == 400
    assert "larger than the API accepts" in response.json()["detail"]
    assert counts() == before


@pytest.mark.parametrize("path", ["/cases/%0A/outreach", "/people/%0A/x", "/nothing%0Ahere"])
def test_api_answers_an_unknown_path_with_a_newline_with_its_json_404(path, api_client):
    response = send(api_client, "POST", path, {})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found."}


def test_every_api_operation_with_a_body_documents_400_and_422():
    """Schemathesis found these answers undocumented; every new operation must list them too."""
    schema = api.get_openapi_schema()
    missing = [
        f"{method.upper()} {path}: {code}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
        for code in ("400", "422")
        if code not in {str(documented) for documented in operation["responses"]}
    ]
    assert missing == []


# The web pages ------------------------------------------------------------------------------


def test_a_nul_in_an_employee_id_names_no_one_on_the_roster_pages(client, director):
    client.force_login(director)
    assert client.get("/roster/a%00b/").status_code == 404
    assert client.get("/roster/a%00b/supporter/").status_code == 404
    assert client.get(reverse("roster-lookup"), {"q": "Pa\x00t"}).status_code == 200
    assert client.get(reverse("roster-chip"), {"employee_id": "P\x001"}).status_code == 200


def test_referral_form_refuses_a_nul_in_a_chosen_employee_id_with_a_message(client, referrer):
    make_person(employee_id="P1")
    client.force_login(referrer)
    before = counts()
    response = client.post(reverse("referral-new"), {
        "involved": ["P1", "P\x002"], "category": "patient_death", "occurred_on": "2026-01-20",
        "summary": "A hard day.", "source": "safety_report",
    })
    assert response.status_code == 422
    assert "An employee id cannot contain a NUL character." in response.content.decode()
    assert counts() == before


def test_handing_back_a_case_without_a_reason_says_to_choose_one_and_changes_nothing(
    client, director, referrer, supporter_a
):
    case = refer(referrer, make_person()).cases.get()
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter_a.person.employee_id)
    client.force_login(supporter_a.person.user)
    response = client.post(reverse("case-hand-back", args=[case.pk]), {})
    assert response.status_code == 422
    assert "Choose a reason" in response.content.decode()
    case.refresh_from_db()
    assert case.supporter_id == supporter_a.pk


def test_sign_in_page_says_why_a_field_was_refused(client, db):
    response = client.post(reverse("login"), {"username": "dora@example.org"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert '<p class="field-error" role="alert">This field is required.</p>' in response.content.decode()


def test_signing_in_with_a_very_long_address_is_refused_not_a_server_error(client, director):
    # With a login in the table, SQLite refused the case-insensitive match outright (500).
    client.raise_request_exception = False
    response = client.post(reverse("login"), {"username": "😀" * 20_000, "password": "x"})
    assert response.status_code == 200
    assert "Please enter a correct email and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("body", [
    {"summary": "x" * TOO_LARGE},
    {f"field{n}": "x" for n in range(1_200)},  # Django's DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000
], ids=["far too much text", "too many fields"])
def test_a_form_far_too_large_is_refused_with_a_clear_page_and_changes_nothing(body, client, referrer):
    client.force_login(referrer)
    client.raise_request_exception = False
    before = counts()
    response = client.post(reverse("referral-new"), body)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and "Nothing was saved." in page
    assert counts() == before


@pytest.mark.parametrize("chosen", ["²", "٣", "１２", "9" * 40])
def test_printable_sheet_takes_only_plain_numbers_as_resource_choices(chosen, client, director, referrer, supporter_a):
    # "²" is a digit to str.isdigit() and no number to int(): it was a 500.
    case = refer(referrer, make_person()).cases.get()
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter_a.person.employee_id)
    client.force_login(supporter_a.person.user)
    url = reverse("case-sheet", args=[case.pk])
    assert client.get(url, {"resource": chosen}).status_code == 200
    response = client.post(url, {"resource": [chosen, "1"]})
    assert response.status_code == 302 and response["Location"] == f"{url}?resource=1"
