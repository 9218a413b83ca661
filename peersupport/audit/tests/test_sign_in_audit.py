"""Every sign-in, sign-out and refused sign-in is recorded with who, when and from where; the
password tried is never kept."""

import json

import pytest
from django.urls import reverse

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditEntry
from peersupport.testing.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ADDRESS = "203.0.113.7"


@pytest.fixture
def referrer_login(db):
    return make_user(Role.REFERRER, email="rita.referrer@example.org", password=PASSWORD)


def sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ADDRESS)


def test_a_sign_in_is_recorded_with_the_address(client, referrer_login):
    assert sign_in(client, referrer_login.email, PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action="auth.sign_in")
    assert (entry.actor, entry.actor_label, entry.ip, entry.via) == (
        referrer_login, referrer_login.email, ADDRESS, "web")
    assert (entry.object_type, entry.object_id) == ("user", str(referrer_login.pk))


def test_a_refused_sign_in_keeps_the_name_tried_and_never_the_password(client, referrer_login):
    wrong = "Tr0ub4dor&3-not-it"
    assert sign_in(client, "Rita.Referrer@example.org", wrong).status_code == 200
    entry = AuditEntry.objects.get(action="auth.sign_in_failed")
    assert entry.actor is None and entry.ip == ADDRESS
    assert entry.detail == {"username": "Rita.Referrer@example.org"}
    everything = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert wrong not in everything and PASSWORD not in everything


def test_a_very_long_name_tried_is_shortened(client, referrer_login):
    sign_in(client, "x" * 5000, "whatever")
    assert len(AuditEntry.objects.get(action="auth.sign_in_failed").detail["username"]) == 254


def test_signing_out_is_recorded(client, referrer_login):
    sign_in(client, referrer_login.email, PASSWORD)
    client.post(reverse("logout"), REMOTE_ADDR=ADDRESS)
    entry = AuditEntry.objects.get(action="auth.sign_out")
    assert (entry.actor, entry.ip) == (referrer_login, ADDRESS)
