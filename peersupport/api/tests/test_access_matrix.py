"""Every role against every endpoint: 403 for a role that may never do it, 404 for an object the
caller may not see. The case belongs to supporter A; the referral was made by the referrer."""

from typing import Any

import pytest

from peersupport.testing.factories import make_person

ROLES = ["director", "administrator", "supporter_a", "supporter_b", "referrer", "leader",
         "integration", "outsider"]
STAFF = {"director", "administrator"}

PERSON = {"name": "Dana Reyes", "role_type": "physician", "rank": 3}
REFERRAL = {"event": {"category": "other", "occurred_on": "2026-11-20",
                      "summary": "A hard night on the ward."},
            "involved": [{"employee_id": "E1042"}], "source": "colleague"}
RESOURCE = {"name": "Crisis line", "category": "crisis"}


def allowed(ok: int, roles: set[str], otherwise: dict[str, int] | None = None) -> dict[str, int]:
    return {role: ok if role in roles else (otherwise or {}).get(role, 403) for role in ROLES}


# (name, method, path template, body, expected status per role)
ENDPOINTS: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("put person", "PUT", "/people/E5000", PERSON,
     allowed(201, STAFF | {"integration"})),
    ("get person", "GET", "/people/E1042", None, allowed(200, STAFF)),
    ("put supporter", "PUT", "/supporters/E5001", {"status": "nominated"}, allowed(201, STAFF)),
    ("get supporter", "GET", "/supporters/{supporter}", None, allowed(200, STAFF)),
    ("post referral", "POST", "/referrals", REFERRAL,
     allowed(201, set(ROLES) - {"leader"})),
    ("get referral", "GET", "/referrals/{referral}", None,
     allowed(200, STAFF | {"referrer"},
             {"supporter_a": 404, "supporter_b": 404, "integration": 404, "outsider": 404})),
    ("get plan", "GET", "/referrals/{referral}/plan", None, allowed(200, STAFF)),
    ("list cases", "GET", "/cases", None, allowed(200, STAFF | {"supporter_a", "supporter_b"})),
    ("get case", "GET", "/cases/{case}", None,
     allowed(200, STAFF | {"supporter_a"}, {"supporter_b": 404})),
    ("get suggestions", "GET", "/cases/{case}/suggestions", None, allowed(200, STAFF)),
    ("post assignment", "POST", "/cases/{case}/assignment",
     {"supporter": "{supporter_b}", "override_reason": "shared_experience", "reassign": True},
     allowed(200, STAFF)),
    ("list resources", "GET", "/resources", None, allowed(200, set(ROLES))),
    ("post resource", "POST", "/resources", RESOURCE, allowed(201, STAFF)),
]


def fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "expected"), ENDPOINTS,
                         ids=[endpoint[0] for endpoint in ENDPOINTS])
def test_role_access(request, call, assigned_case, supporter_b, role, name, method, path, body,
                     expected):
    make_person(employee_id="E5001")
    ids = {"case": assigned_case.pk, "referral": assigned_case.referral_id,
           "supporter": assigned_case.supporter.person.employee_id,
           "supporter_b": supporter_b.person.employee_id}
    persona = request.getfixturevalue(role)
    response = call(persona, method, fill(path, ids), fill(body, ids),
                    headers={"Idempotency-Key": f"matrix-{role}"})
    assert response.status_code == expected[role], response.content
    if response.status_code >= 400:
        assert isinstance(response.json()["detail"], str)
