"""Authentication, error bodies and the published schema."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from peersupport.accounts.models import ApiToken

CONTRACT_PATHS = {
    "/api/v1/people/{employee_id}": {"put", "get"},
    "/api/v1/supporters/{employee_id}": {"put"},
    "/api/v1/referrals": {"post"},
    "/api/v1/referrals/{referral_id}": {"get"},
    "/api/v1/referrals/{referral_id}/plan": {"get"},
    "/api/v1/cases": {"get"},
    "/api/v1/cases/{case_id}": {"get"},
    "/api/v1/cases/{case_id}/suggestions": {"get"},
    "/api/v1/cases/{case_id}/assignment": {"post"},
    "/api/v1/cases/{case_id}/outreach": {"post"},
    "/api/v1/cases/{case_id}/response": {"post"},
    "/api/v1/cases/{case_id}/encounters": {"post"},
    "/api/v1/cases/{case_id}/resources": {"post"},
    "/api/v1/cases/{case_id}/close": {"post"},
    "/api/v1/resources": {"get", "post"},
}


def test_no_token_is_401_with_detail(call, db):
    response = call(None, "GET", "/resources")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer pst_nonsense", "Basic dXNlcjpwYXNz", "Bearer", ""])
def test_bad_token_is_401(call, db, header):
    response = call(None, "GET", "/resources", headers={"Authorization": header})
    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)


def test_revoked_token_is_401(call, referrer):
    token, key = ApiToken.issue(referrer)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    response = call(None, "GET", "/resources", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_inactive_user_is_401(call, referrer):
    _, key = ApiToken.issue(referrer)
    referrer.is_active = False
    referrer.save(update_fields=["is_active"])
    response = call(None, "GET", "/resources", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_token_use_is_recorded_at_most_once_a_minute(call, referrer):
    token, key = ApiToken.issue(referrer)
    auth = {"Authorization": f"Bearer {key}"}
    assert call(None, "GET", "/resources", headers=auth).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    call(None, "GET", "/resources", headers=auth)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=5))
    call(None, "GET", "/resources", headers=auth)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=5)


def test_token_acts_as_its_user_not_the_browser_session(call, client, director, referrer):
    client.force_login(director)
    assert call(referrer, "GET", "/cases").status_code == 403


def test_malformed_json_is_400_with_detail(call, director):
    response = call(director, "POST", "/resources", raw='{"name": "EAP", ')
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_body_of_the_wrong_shape_is_422(call, director):
    response = call(director, "POST", "/resources", raw="[1, 2]")
    assert response.status_code == 422
    assert response.json()["detail"]


def test_unknown_path_is_a_json_404(call, director):
    for path in ("/nothing-here", "/cases/abc", "/cases/1/unknown"):
        response = call(director, "GET", path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found."}


def test_absurd_ids_are_bad_input_not_a_crash(call, director):
    response = call(director, "GET", "/cases/99999999999999999999999")
    assert response.status_code == 422
    assert "case_id" in response.json()["detail"]


def test_openapi_schema_lists_every_contract_path(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    for path, methods in CONTRACT_PATHS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path
    schemes = schema["components"]["securitySchemes"].values()
    assert any(scheme.get("scheme") == "bearer" for scheme in schemes)


@pytest.mark.skipif("ninja" not in settings.INSTALLED_APPS,
                    reason='add "ninja" to INSTALLED_APPS so the docs use bundled assets')
def test_interactive_docs_use_bundled_assets_not_a_cdn(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_docs_never_fall_back_to_a_cdn(client, db, settings):
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "ninja"]
    response = client.get("/api/v1/docs")
    assert response.status_code == 503
    assert b"cdn" not in response.content.lower()


def test_wrong_method_is_a_json_405(call, director):
    response = call(director, "DELETE", "/resources")
    assert response.status_code == 405
    assert "GET" in response["Allow"] and "POST" in response["Allow"]
    assert "GET" in response.json()["detail"]
