"""Scoped API tokens, on every operation of the published schema; expiry and revocation."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.utils import timezone

from peersupport.accounts.models import ApiToken, TokenScope
from peersupport.api.api import api

# The signed intake takes no token at all (test_safety_report_intake.py).
SIGNED = {("POST", "/api/v1/intake/safety-report")}


def schema_operations() -> list[tuple[str, str]]:
    paths = api.get_openapi_schema()["paths"]
    return sorted((method.upper(), path) for path, methods in paths.items() for method in methods
                  if (method.upper(), path) not in SIGNED)


def may_call(scope: str, method: str, path: str) -> bool:
    """What each scope promises, written out here independently of peersupport.accounts.scopes."""
    return {
        TokenScope.FULL: True,
        TokenScope.READ_ONLY: method == "GET",
        TokenScope.REFERRALS: (method, path) == ("POST", "/api/v1/referrals"),
        TokenScope.ROSTER: path.startswith(("/api/v1/people/", "/api/v1/supporters/")),
    }[TokenScope(scope)]


def url(path: str) -> str:
    return re.sub(r"\{employee_id\}", "E1", re.sub(r"\{\w+\}", "1", path))


def refused_by_scope(response) -> bool:
    return response.status_code == 403 and "scope" in response.json().get("detail", "")


@pytest.mark.parametrize("scope", TokenScope.values)
def test_every_operation_in_the_schema_answers_each_scope_as_it_promises(db, director, scope):
    key = ApiToken.issue(director, scope=scope)[1]
    client = Client()
    operations = schema_operations()
    assert len(operations) > 20, "the schema's operations were not found"
    wrong, allowed = [], 0
    for method, path in operations:
        with transaction.atomic():
            response = client.generic(method, url(path), data="" if method == "GET" else "{}",
                                      content_type="application/json", headers={"Authorization": f"Bearer {key}"})
            transaction.set_rollback(True)
        expected = may_call(scope, method, path)
        allowed += expected
        if refused_by_scope(response) == expected:
            wrong.append(f"{method} {path}: answered {response.status_code} {response.content[:120]!r}")
    assert not wrong, f"Scope {scope}:\n  " + "\n  ".join(wrong)
    if scope != TokenScope.FULL:
        assert 0 < allowed < len(operations)


def test_a_scope_refusal_says_what_the_token_may_call(call, director):
    key = ApiToken.issue(director, scope=TokenScope.ROSTER)[1]

    response = call(None, "GET", "/cases", headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 403
    assert "Roster only" in response.json()["detail"] and "GET /api/v1/cases" in response.json()["detail"]


def test_a_scope_never_widens_the_logins_role(call, integration, referrer, supporter_a):
    roster = ApiToken.issue(integration, scope=TokenScope.ROSTER)[1]
    read_only = ApiToken.issue(referrer, scope=TokenScope.READ_ONLY)[1]
    employee_id = supporter_a.person.employee_id

    # In scope, outside the role: the role's own 403, not the scope's.
    response = call(None, "PUT", f"/supporters/{employee_id}", {"status": "active"},
                    headers={"Authorization": f"Bearer {roster}"})
    assert response.status_code == 403 and not refused_by_scope(response)
    response = call(None, "GET", "/cases", headers={"Authorization": f"Bearer {read_only}"})
    assert response.status_code == 403 and not refused_by_scope(response)
    # In scope and in the role.
    response = call(None, "PUT", "/people/E7001", {"name": "Sam Roster"}, headers={"Authorization": f"Bearer {roster}"})
    assert response.status_code == 201


def test_a_referrals_token_refers_and_does_nothing_else(call, integration, peer):
    key = ApiToken.issue(integration, scope=TokenScope.REFERRALS)[1]
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "scoped-1"}
    body = {"event": {"category": "other", "occurred_on": timezone.localdate().isoformat(),
                      "summary": "A hard night on the ward."},
            "involved": [{"employee_id": peer.employee_id}], "source": "safety_report"}

    made = call(None, "POST", "/referrals", body, headers=headers)

    assert made.status_code == 201
    assert refused_by_scope(call(None, "GET", f"/referrals/{made.json()['referral_id']}", headers=headers))
    assert refused_by_scope(call(None, "PUT", "/people/E7002", {"name": "Sam Roster"}, headers=headers))


def test_an_expired_token_is_401_saying_so(call, director):
    token, key = ApiToken.issue(director, scope=TokenScope.READ_ONLY, expires_at=timezone.now() + timedelta(days=2))
    headers = {"Authorization": f"Bearer {key}"}

    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert call(None, "GET", "/resources", headers=headers).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        response = call(None, "GET", "/resources", headers=headers)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"] and token.prefix in response.json()["detail"]


def test_a_revoked_token_is_401_saying_so(call, director):
    token, key = ApiToken.issue(director, scope=TokenScope.READ_ONLY)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())

    response = call(None, "GET", "/resources", headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_token_of_a_deactivated_login_is_401_saying_so(call, integration):
    _, key = ApiToken.issue(integration, scope=TokenScope.REFERRALS)
    # Deactivating through the program also revokes the tokens (test_inactive_user_is_401); a
    # login switched off in the database alone still stops its tokens.
    type(integration).objects.filter(pk=integration.pk).update(is_active=False)

    response = call(None, "GET", "/resources", headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 401 and "deactivated" in response.json()["detail"]


def test_the_max_days_still_end_a_token_with_a_later_expiry(call, director, settings):
    settings.API_TOKEN_MAX_DAYS = 10
    _, key = ApiToken.issue(director, expires_at=timezone.now() + timedelta(days=100))

    with time_machine.travel(timezone.now() + timedelta(days=11)):
        response = call(None, "GET", "/resources", headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_the_schema_says_how_to_authenticate(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "scope" in schema["info"]["description"] and "intake" in json.dumps(schema["info"]).lower()


def test_the_command_issues_a_scoped_token_and_lists_its_scope(call, integration):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("api_token", integration.email, "--scope", "roster", stdout=out)
    key = out.getvalue().strip()

    assert ApiToken.objects.get(user=integration).scope == TokenScope.ROSTER
    assert refused_by_scope(call(None, "GET", "/resources", headers={"Authorization": f"Bearer {key}"}))
    listing = StringIO()
    call_command("api_token", integration.email, "--list", stdout=listing)
    assert "scope roster" in listing.getvalue()


def test_the_list_of_usable_tokens_and_the_401_agree_on_every_state(director, integration, settings):
    """`usable()` (the operator's --list) and `refusal()` (the 401's reason) say the same."""
    settings.API_TOKEN_MAX_DAYS = 30
    now = timezone.now()
    tokens = [
        ApiToken.issue(director)[0],
        ApiToken.issue(director, expires_at=now + timedelta(days=1))[0],
        ApiToken.issue(director, expires_at=now - timedelta(seconds=1))[0],
        ApiToken.issue(integration)[0],
    ]
    ApiToken.objects.filter(pk=tokens[0].pk).update(created_at=now - timedelta(days=31))
    ApiToken.objects.filter(pk=tokens[1].pk).update(revoked_at=now)
    type(integration).objects.filter(pk=integration.pk).update(is_active=False)
    fresh = ApiToken.issue(director)[0]

    usable = set(ApiToken.objects.usable().values_list("pk", flat=True))
    for token in ApiToken.objects.select_related("user"):
        assert (token.pk in usable) == (token.refusal() == ""), token
    assert usable == {fresh.pk}
