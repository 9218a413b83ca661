"""Sessions end: after the idle timeout, at the absolute limit, on sign-out, on deactivation."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from peersupport.accounts.models import ApiToken, UserSession
from peersupport.audit.models import AuditEntry

START = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)

    def at(**delta):
        time_machine.move_to(START + timedelta(**delta), tick=False)

    return at


def test_idle_timeout_signs_out_after_15_minutes_without_a_request(client, director, clock):
    client.force_login(director)
    clock(minutes=14)
    assert client.get(reverse("queue")).status_code == 200
    clock(minutes=28)  # 14 minutes after the last request: still fine
    assert client.get(reverse("queue")).status_code == 200
    clock(minutes=43, seconds=1)  # 15 minutes and a second after it
    response = client.get(reverse("queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=%2Fqueue%2F"
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 15 minutes without activity" in page
    clock(minutes=44)
    assert client.get(reverse("queue"))["Location"].startswith(reverse("login"))  # stays signed out


def test_absolute_limit_signs_out_after_12_hours_however_busy(client, referrer, clock):
    client.force_login(referrer)
    minutes = 0
    while minutes < 12 * 60:
        clock(minutes=minutes)
        assert client.get(reverse("referral-new")).status_code == 200, minutes
        minutes += 10
    clock(hours=12, seconds=1)
    response = client.get(reverse("referral-new"))
    assert response["Location"].startswith(reverse("login"))
    assert "a session lasts at most 12 hours" in client.get(response["Location"]).content.decode()


def test_limits_follow_the_settings(client, referrer, clock, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(referrer)
    clock(minutes=5, seconds=1)
    assert client.get(reverse("referral-new")).status_code == 302


def test_htmx_request_after_the_timeout_reloads_the_whole_page_at_sign_in(client, director, clock):
    client.force_login(director)
    clock(minutes=20)
    response = client.get(reverse("roster-lookup"), {"q": "a"}, headers={
        "HX-Request": "true", "HX-Current-URL": "http://testserver/referrals/new/"})
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == reverse("login") + "?next=%2Freferrals%2Fnew%2F"


def test_a_form_sent_after_the_timeout_changes_nothing(client, director, clock):
    from peersupport.resources.models import Resource

    client.force_login(director)
    clock(minutes=20)
    response = client.post(reverse("resource-new"), {"name": "Late", "category": "counseling",
                                                     "contact": "x"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not Resource.objects.filter(name="Late").exists()


def test_a_session_from_before_the_stamps_is_ended(client, referrer):
    client.force_login(referrer)
    session = client.session
    del session["_auth_started_at"]
    session.save()
    assert client.get(reverse("referral-new")).status_code == 302


def test_sign_out_ends_the_session(client, director):
    client.force_login(director)
    key = client.session.session_key
    assert UserSession.objects.filter(user=director, session_key=key).exists()
    cookie = client.cookies["sessionid"].value
    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    # Replaying the old cookie gets nowhere.
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get(reverse("queue"))["Location"].startswith(reverse("login"))


def test_deactivating_a_user_ends_every_session_and_revokes_their_tokens(director, referrer):
    phone, desk, colleague = Client(), Client(), Client()
    phone.force_login(director)
    desk.force_login(director)
    colleague.force_login(referrer)
    _, key = ApiToken.issue(director)
    api = {"Authorization": f"Bearer {key}"}
    assert Client().get("/api/v1/resources", headers=api).status_code == 200

    out = StringIO()
    call_command("deactivate_user", director.email.upper(), stdout=out)
    assert "ended 2 sessions, revoked 1 API token" in out.getvalue()

    for client in (phone, desk):
        assert client.get(reverse("queue"))["Location"].startswith(reverse("login"))
    assert not UserSession.objects.filter(user=director).exists()
    assert not Session.objects.filter(session_key__in=[phone.session.session_key]).exists()
    assert Client().get("/api/v1/resources", headers=api).status_code == 401
    assert not ApiToken.objects.filter(user=director, revoked_at__isnull=True).exists()
    # Others are not touched.
    assert colleague.get(reverse("referral-new")).status_code == 200
    entry = AuditEntry.objects.get(action="user.deactivate", object_id=str(director.pk))
    assert entry.detail == {"sessions_ended": 2, "tokens_revoked": 1}
    # And they cannot sign in again.
    response = Client().post(reverse("login"), {"username": director.email,
                                                "password": "correct horse battery staple"})
    assert response.status_code == 200


def test_deactivating_by_any_other_save_ends_sessions_too(client, referrer):
    client.force_login(referrer)
    _, key = ApiToken.issue(referrer)
    referrer.is_active = False
    referrer.save()
    assert not UserSession.objects.filter(user=referrer).exists()
    assert client.get(reverse("referral-new"))["Location"].startswith(reverse("login"))
    assert ApiToken.objects.for_key(key) is None
    assert ApiToken.objects.get(user=referrer).revoked_at is not None


def test_deactivate_user_needs_a_known_login(db):
    with pytest.raises(CommandError, match="No user"):
        call_command("deactivate_user", "nobody@example.org", stdout=StringIO())


def test_session_settings_come_from_the_environment():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "PEERSUPPORT_ENV", "DATABASE_URL"}}
    env.update(SESSION_IDLE_MINUTES="7", SESSION_MAX_HOURS="9", LOGIN_FAILURE_LIMIT="3",
               LOGIN_LOCKOUT_MINUTES="30")
    code = ("import peersupport.settings as s; print(s.SESSION_IDLE_MINUTES, s.SESSION_MAX_HOURS, "
            "s.SESSION_COOKIE_AGE, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds())")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["7", "9", str(9 * 3600), "3", "1800.0"]
