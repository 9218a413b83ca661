"""Every sign-in, sign-out and refused sign-in is recorded with who, when and from where; the
password tried is never kept."""

import json

import pytest
from django.urls import reverse

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditEntry
from peersupport.lib.keyed import address_digest
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


def test_a_refused_sign_in_names_the_login_and_never_keeps_the_password(client, referrer_login):
    wrong = "Tr0ub4dor&3-not-it"
    assert sign_in(client, "Rita.Referrer@example.org", wrong).status_code == 200
    entry = AuditEntry.objects.get(action="auth.sign_in_failed")
    assert entry.actor is None and entry.ip == ADDRESS
    assert (entry.object_type, entry.object_id) == ("user", str(referrer_login.pk))
    assert entry.detail == {"login": True}
    everything = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert wrong not in everything and PASSWORD not in everything


@pytest.mark.parametrize("typed", ["Nobody.Here@example.org", "x" * 5000, "correct horse battery staple"])
def test_a_refused_sign_in_with_a_name_that_is_no_login_keeps_only_a_shortened_keyed_hash(client, referrer_login,
                                                                                        typed):
    sign_in(client, typed, "whatever")
    entry = AuditEntry.objects.get(action="auth.sign_in_failed")
    assert entry.actor is None and entry.object_id == "" and entry.ip == ADDRESS
    assert entry.detail == {"login": False, "address_hash": address_digest(typed)[:16]}
    everything = json.dumps(list(AuditEntry.objects.values()), default=str).lower()
    assert typed.lower()[:20] not in everything and "nobody" not in everything
    # The same name tried again is recognizable as the same, whatever its letter case.
    sign_in(client, typed.upper(), "whatever")
    again = AuditEntry.objects.filter(action="auth.sign_in_failed").latest("pk")
    assert again.detail == entry.detail


def test_signing_out_is_recorded(client, referrer_login):
    sign_in(client, referrer_login.email, PASSWORD)
    client.post(reverse("logout"), REMOTE_ADDR=ADDRESS)
    entry = AuditEntry.objects.get(action="auth.sign_out")
    assert (entry.actor, entry.ip) == (referrer_login, ADDRESS)
