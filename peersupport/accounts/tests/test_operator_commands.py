from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from peersupport.accounts.models import ApiToken, Role, User
from peersupport.audit.models import AuditEntry
from peersupport.testing.factories import make_person

PASSWORD = "a-long-demo-passphrase-42"


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_user_creates_a_login_linked_to_the_roster(db, monkeypatch, client):
    person = make_person(employee_id="E3301")
    monkeypatch.setenv("NEW_PASSWORD", PASSWORD)
    output = run("add_user", "Supporter@Example.org", "--role", "supporter", "--employee-id", "E3301",
                 "--password-from-env", "NEW_PASSWORD")
    assert "Created supporter@example.org" in output
    user = User.objects.get(email="supporter@example.org")
    assert user.role == Role.SUPPORTER and user.person == person
    # django-axes checks every sign-in for lockout, so authenticate() is given the request.
    assert client.login(request=RequestFactory().post("/accounts/login/"), username="supporter@example.org",
                        password=PASSWORD)


def test_add_user_again_updates_the_role_without_a_second_login(db):
    run("add_user", "lead@example.org", "--role", "referrer")
    output = run("add_user", "lead@example.org", "--role", "director")
    assert "Updated" in output
    assert User.objects.get(email="lead@example.org").role == Role.DIRECTOR
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["not-an-email", "--role", "director"], "not an email"),
        (["x@example.org", "--role", "director", "--employee-id", "E404"], "Unknown employee_id"),
        (["x@example.org", "--role", "director", "--password-from-env", "UNSET_VARIABLE_X"], "not set"),
    ],
)
def test_add_user_refuses_bad_input_and_changes_nothing(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("add_user", *args)
    assert not User.objects.exists()


def test_add_user_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setenv("WEAK", "12345")
    with pytest.raises(CommandError):
        call_command("add_user", "x@example.org", "--role", "director", "--password-from-env", "WEAK")
    assert not User.objects.exists()


def test_api_token_is_printed_once_and_only_its_digest_is_stored(db, client):
    run("add_user", "feed@example.org", "--role", "integration")
    key = run("api_token", "feed@example.org").strip()
    assert key.startswith("pst_")
    token = ApiToken.objects.get()
    assert key not in (token.digest, token.prefix)
    assert ApiToken.objects.for_key(key) == token
    response = client.get("/api/v1/resources", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_api_token_for_unknown_user_is_refused(db):
    with pytest.raises(CommandError, match="add_user"):
        call_command("api_token", "nobody@example.org")


def test_api_tokens_are_listed_by_prefix_and_one_can_be_revoked_alone(db, client):
    run("add_user", "feed@example.org", "--role", "integration")
    old, new = run("api_token", "feed@example.org").strip(), run("api_token", "feed@example.org").strip()
    listing = run("api_token", "feed@example.org", "--list")
    assert old[:12] in listing and new[:12] in listing and old not in listing and new not in listing
    assert listing.count("last used never") == 2 and listing.count("expires ") == 2

    assert "Revoked" in run("api_token", "--revoke", old[:12])
    assert client.get("/api/v1/resources", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert client.get("/api/v1/resources", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert entry.detail == {"prefix": old[:12]} and old not in str(entry.detail)
    assert "revoked" in run("api_token", "feed@example.org", "--list")
    with pytest.raises(CommandError, match="No token in use"):
        call_command("api_token", "--revoke", old[:12])
    with pytest.raises(CommandError, match="prefix"):
        call_command("api_token", "--revoke", "pst_")


def test_an_api_token_stops_working_after_its_days(db, client, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    run("add_user", "feed@example.org", "--role", "integration")
    key = run("api_token", "feed@example.org").strip()
    headers = {"Authorization": f"Bearer {key}"}
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        assert client.get("/api/v1/resources", headers=headers).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert client.get("/api/v1/resources", headers=headers).status_code == 401
        assert "expired" in run("api_token", "feed@example.org", "--list")
    settings.API_TOKEN_MAX_DAYS = 0  # never
    with time_machine.travel(timezone.now() + timedelta(days=3000)):
        assert client.get("/api/v1/resources", headers=headers).status_code == 200
