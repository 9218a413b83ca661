"""An Idempotency-Key outlives the retention purge: a late replay answers the same receipt and
creates nothing, so the referrer cannot tell that the referral's cases were purged. Only keyed
hashes of the key and the body are stored."""

import importlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from peersupport.accounts.models import ApiToken
from peersupport.cases.models import Case
from peersupport.cases.retention import retention_purge
from peersupport.cases.tests.test_retention import NOW, supported_case
from peersupport.notifications.models import OutboxMessage
from peersupport.referrals import idempotency
from peersupport.referrals.models import Referral
from peersupport.resources.models import Resource
from peersupport.testing.factories import make_person

KEY = "SR-2291-1"


def body(peer, summary="Unexpected airway complication during an elective procedure."):
    return {"event": {"category": "medical_error", "occurred_on": "2024-03-10", "summary": summary},
            "involved": [{"employee_id": peer.employee_id}], "source": "safety_report"}


def post(user, payload, key=KEY):
    return Client().post("/api/v1/referrals", json.dumps(payload), content_type="application/json",
                         headers={"Authorization": f"Bearer {ApiToken.issue(user)[1]}", "Idempotency-Key": key})


@pytest.fixture
def purged(director, supporter_a, integration, db):
    """A referral made through the API with a key, its one case supported, closed and purged."""
    import time_machine

    from peersupport.cases.tests.test_retention import CLOSED_ON

    team = {"director": director, "supporter": supporter_a, "referrer": integration,
            "resource": Resource.objects.create(name="EAP", category="counseling", contact="x")}
    peer = make_person()
    with time_machine.travel(CLOSED_ON, tick=False):
        first = post(integration, body(peer))
    assert first.status_code == 201
    referral = Referral.objects.get(pk=first.json()["referral_id"])
    supported_case(team, peer, referral=referral)
    assert retention_purge(now=NOW).referrals == 1
    return peer, first.json()


def test_a_replay_after_the_purge_answers_the_same_receipt_and_creates_nothing(integration, purged):
    peer, receipt = purged
    counts = (Referral.objects.count(), Case.objects.count(), OutboxMessage.objects.count())
    again = post(integration, body(peer))
    assert again.status_code == 200
    assert again.json() == receipt
    assert (Referral.objects.count(), Case.objects.count(), OutboxMessage.objects.count()) == counts


def test_the_same_key_with_another_body_after_the_purge_is_still_refused(integration, purged):
    peer, _ = purged
    again = post(integration, body(peer, summary="A different event sentence entirely."))
    assert again.status_code == 422
    assert "different request body" in again.json()["detail"]
    assert Referral.objects.count() == 1


def test_only_keyed_hashes_of_the_key_and_body_are_stored(integration, db):
    peer = make_person()
    assert post(integration, body(peer)).status_code == 201
    row = Referral.objects.values().get()
    assert KEY not in json.dumps(row, default=str)
    assert row["idempotency_key_hash"] == idempotency.key_hash(KEY) != KEY
    assert len(row["request_fingerprint"]) == 64


def test_a_key_stored_before_the_secret_was_rotated_still_matches(integration, settings, db):
    peer = make_person()
    first = post(integration, body(peer))
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    again = post(integration, body(peer))
    assert (again.status_code, again.json()) == (200, first.json())


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_hashes_the_keys_already_stored():
    migration = importlib.import_module("peersupport.referrals.migrations.0003_idempotency_key_hash")
    before, after = [("referrals", "0002_retention_purge")], [("referrals", "0003_idempotency_key_hash")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        user = apps.get_model("accounts", "User").objects.create(username="old@example.org", email="old@example.org")
        apps.get_model("referrals", "Referral").objects.create(
            category="other", occurred_on="2026-11-01", summary="x", source="colleague", referred_by=user,
            idempotency_key="old-key", request_fingerprint="f" * 64)
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        row = executor.loader.project_state(after).apps.get_model("referrals", "Referral").objects.get()
        assert row.idempotency_key_hash == idempotency.key_hash("old-key")
        assert idempotency.fingerprint_matches(row.request_fingerprint, "f" * 64)
        assert migration.KEY_SALT == idempotency.KEY_SALT and migration.FINGERPRINT_SALT == idempotency.FINGERPRINT_SALT
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
