"""The safety-reporting system's signed intake: signature, replay, idempotency, rotation."""

import json
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from peersupport.accounts.intake_secrets import intake_secret_retire_old, intake_secret_rotate, sign
from peersupport.accounts.models import IntakeSecret
from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Case
from peersupport.referrals.models import Referral
from peersupport.testing.factories import make_person

URL = "/api/v1/intake/safety-report"


@pytest.fixture
def secret(db) -> str:
    return intake_secret_rotate()


def report(peer, **event) -> dict:
    return {
        "event": {"category": "medical_error", "occurred_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
                  "summary": "A medication was given at the wrong dose.", "external_ref": "SR-2291", **event},
        "involved": [{"employee_id": peer.employee_id}],
    }


def send(client: Client, body: dict | bytes, *, secret: str | None, timestamp: int | str | None = None,
         signature: str | None = None, signed_body: bytes | None = None):
    """POST the body, signed with `secret` at `timestamp` (now) unless a header is given as is."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {"X-PeerSupport-Timestamp": stamp}
    if signature is not None:
        headers["X-PeerSupport-Signature"] = signature
    elif secret is not None:
        headers["X-PeerSupport-Signature"] = sign(secret, stamp, raw if signed_body is None else signed_body)
    return client.post(URL, data=raw, content_type="application/json", headers=headers)


# The happy path


def test_a_signed_report_makes_a_referral_and_answers_201(client, secret, peer):
    response = send(client, report(peer), secret=secret)

    assert response.status_code == 201, response.json()
    receipt = response.json()
    assert set(receipt) == {"referral_id", "received_at", "involved_count"} and receipt["involved_count"] == 1
    referral = Referral.objects.get(pk=receipt["referral_id"])
    assert referral.source == "safety_report" and referral.external_ref == "SR-2291" and referral.referred_by is None
    assert Case.objects.filter(referral=referral, peer=peer).exists()
    entry = AuditEntry.objects.get(action="referral.create", object_id=str(referral.pk))
    assert entry.actor_label == "safety-reporting system" and entry.actor is None and entry.via == "api"


def test_the_opt_in_arrives_with_its_source_and_the_reporters_wishes(client, secret, peer):
    body = {**report(peer), "source": "safety_report_opt_in", "preferences": {"gender": "female"}}

    response = send(client, body, secret=secret)

    assert response.status_code == 201, response.json()
    referral = Referral.objects.get(pk=response.json()["referral_id"])
    assert referral.source == "safety_report_opt_in" and referral.preferences == {"gender": "female"}


def test_an_opt_in_names_the_reporter_alone(client, secret, peer):
    body = {**report(peer), "source": "safety_report_opt_in"}
    body["involved"].append({"employee_id": make_person().employee_id})

    response = send(client, body, secret=secret)

    assert response.status_code == 422
    assert "exactly one clinician" in response.json()["detail"] and not Referral.objects.exists()


def test_the_intake_takes_only_the_safety_report_sources(client, secret, peer):
    response = send(client, {**report(peer), "source": "colleague"}, secret=secret)

    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["source"]
    assert not Referral.objects.exists()


def test_a_signed_invalid_body_answers_422_as_the_referral_endpoint_does(client, secret, peer):
    no_ref = report(peer)
    del no_ref["event"]["external_ref"]
    response = send(client, no_ref, secret=secret)
    assert response.status_code == 422 and "event.external_ref: field required" in response.json()["detail"]

    response = send(client, {**report(peer), "involved": [{"employee_id": "E404"}]}, secret=secret)
    assert response.status_code == 422 and "E404" in response.json()["detail"]

    response = send(client, b"{not json", secret=secret)
    assert response.status_code == 400
    assert not Referral.objects.exists()


# Idempotent by external_ref


def test_a_repeat_answers_200_with_the_same_referral_and_creates_nothing(client, secret, peer):
    first = send(client, report(peer), secret=secret)
    # Another moment, another signature, the same report (keys in another order, other spacing).
    body = report(peer)
    raw = json.dumps({"involved": body["involved"], "event": body["event"]}, indent=2).encode()
    again = send(client, raw, secret=secret, timestamp=int(time.time()) + 5)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Referral.objects.count() == 1 and Case.objects.count() == 1


def test_the_same_external_ref_with_a_different_body_answers_409_and_changes_nothing(client, secret, peer):
    first = send(client, report(peer), secret=secret).json()

    response = send(client, report(peer, summary="A patient fell on the ward."), secret=secret)

    assert response.status_code == 409
    answer = response.json()
    assert answer["referral_id"] == first["referral_id"] and "new external_ref" in answer["detail"]
    assert Referral.objects.count() == 1
    assert Referral.objects.get().summary == "A medication was given at the wrong dose."


def test_a_new_external_ref_is_a_new_referral(client, secret, peer):
    first = send(client, report(peer), secret=secret).json()
    other = make_person()
    second = send(client, {**report(other, external_ref="SR-2291-2")}, secret=secret)

    assert second.status_code == 201 and second.json()["referral_id"] != first["referral_id"]


@pytest.mark.postgres(reason="two requests at once need PostgreSQL's concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_make_one_referral():
    secret = intake_secret_rotate()
    peer = make_person()
    raw = json.dumps(report(peer)).encode()
    barrier = threading.Barrier(4)
    answers: list[HttpResponse] = []

    def post() -> None:
        try:
            barrier.wait()
            answers.append(send(Client(), raw, secret=secret))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 200, 200, 201], statuses
    assert len({answer.json()["referral_id"] for answer in answers}) == 1
    assert Referral.objects.count() == 1 and Case.objects.count() == 1


# The signature


def test_no_secret_configured_answers_503_with_what_to_do(client, db, peer):
    response = send(client, report(peer), secret="psis_whatever")

    assert response.status_code == 503 and "intake_secret --rotate" in response.json()["detail"]


@pytest.mark.parametrize(("case", "header"), [
    ("missing signature", "X-PeerSupport-Signature"),
    ("wrong secret", "X-PeerSupport-Signature"),
    ("no sha256= prefix", "X-PeerSupport-Signature"),
    ("other algorithm", "X-PeerSupport-Signature"),
    ("body changed after signing", "X-PeerSupport-Signature"),
    ("signed for another timestamp", "X-PeerSupport-Signature"),
    ("missing timestamp", "X-PeerSupport-Timestamp"),
    ("timestamp not in seconds", "X-PeerSupport-Timestamp"),
])
def test_a_bad_signature_is_401_naming_the_header(client, secret, peer, case, header):
    body = report(peer)
    raw = json.dumps(body).encode()
    now = str(int(time.time()))
    good = sign(secret, now, raw)
    headers = {
        "missing signature": {"X-PeerSupport-Timestamp": now},
        "wrong secret": {"X-PeerSupport-Timestamp": now,
                         "X-PeerSupport-Signature": sign("psis_" + "0" * 64, now, raw)},
        "no sha256= prefix": {"X-PeerSupport-Timestamp": now,
                              "X-PeerSupport-Signature": good.removeprefix("sha256=")},
        "other algorithm": {"X-PeerSupport-Timestamp": now,
                            "X-PeerSupport-Signature": good.replace("sha256=", "sha1=")},
        "body changed after signing": {"X-PeerSupport-Timestamp": now, "X-PeerSupport-Signature": good},
        "signed for another timestamp": {"X-PeerSupport-Timestamp": str(int(now) - 1),
                                         "X-PeerSupport-Signature": good},
        "missing timestamp": {"X-PeerSupport-Signature": good},
        "timestamp not in seconds": {"X-PeerSupport-Timestamp": "2026-11-30T10:00:00Z",
                                     "X-PeerSupport-Signature": good},
    }[case]
    sent = raw.replace(b"SR-2291", b"SR-2292") if case == "body changed after signing" else raw

    response = client.post(URL, data=sent, content_type="application/json", headers=headers)

    assert response.status_code == 401, response.json()
    answer = response.json()
    assert answer["header"] == header and header in answer["detail"]
    assert not Referral.objects.exists()


def test_an_unsigned_request_learns_nothing_about_the_body(client, secret):
    """The signature is checked first: an unsigned, invalid body is 401, not 422."""
    response = client.post(URL, data=b'{"nonsense": true}', content_type="application/json")

    assert response.status_code == 401 and response.json()["header"] == "X-PeerSupport-Timestamp"


def test_the_signature_of_a_valid_request_is_compared_in_constant_time(client, secret, peer, monkeypatch):
    import hmac

    compared = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: compared.append(1) or real(a, b))

    assert send(client, report(peer), secret=secret).status_code == 201
    assert compared


# Replay: five minutes either way


@pytest.mark.parametrize(("offset", "status"), [(-300, 201), (-301, 401), (300, 201), (301, 401), (-86400, 401)])
def test_a_timestamp_more_than_300_seconds_old_or_ahead_is_a_replay(client, secret, peer, offset, status):
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        response = send(client, report(peer), secret=secret, timestamp=int(now.timestamp()) + offset)

    assert response.status_code == status, response.json()
    if status == 401:
        assert response.json()["header"] == "X-PeerSupport-Timestamp"
        assert "replay" in response.json()["detail"]
        assert not Referral.objects.exists()


# Rotation


def test_after_rotation_both_secrets_verify_until_the_old_one_is_retired(client, secret, peer):
    new = intake_secret_rotate()
    assert new != secret

    assert send(client, report(peer, external_ref="SR-1"), secret=secret).status_code == 201
    assert send(client, report(peer, external_ref="SR-2"), secret=new).status_code == 201

    assert intake_secret_retire_old() == 1
    refused = send(client, report(peer, external_ref="SR-3"), secret=secret)
    assert refused.status_code == 401 and refused.json()["header"] == "X-PeerSupport-Signature"
    assert send(client, report(peer, external_ref="SR-3"), secret=new).status_code == 201


def test_a_secret_keeps_verifying_while_the_old_secret_key_is_a_fallback(client, secret, peer, settings):
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-the-whole-site-" + "x" * 30

    assert send(client, report(peer), secret=secret).status_code == 201

    settings.SECRET_KEY_FALLBACKS = []
    assert send(client, report(peer, external_ref="SR-9"), secret=secret).status_code == 401


def test_the_command_rotates_retires_and_shows_the_state_without_secrets(db):
    def run(*args: str) -> str:
        out = StringIO()
        call_command("intake_secret", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    assert "No intake secret" in run()
    first = run("--rotate").strip()
    second = run("--rotate").strip()
    assert first.startswith("psis_") and second.startswith("psis_") and first != second
    with pytest.raises(CommandError, match="retire-old"):
        run("--rotate")

    state = run()
    assert "current" in state and "previous" in state and first not in state and second not in state
    # Only a salt is stored: the database holds neither secret.
    stored = " ".join(IntakeSecret.objects.values_list("salt", flat=True))
    assert first.removeprefix("psis_") not in stored and second.removeprefix("psis_") not in stored

    assert "Retired 1" in run("--retire-old")
    assert "previous" not in run() and "Nothing to retire" in run("--retire-old")
    actions = list(AuditEntry.objects.filter(action__startswith="intake_secret.").values_list("action", flat=True))
    assert actions.count("intake_secret.rotate") == 2 and actions.count("intake_secret.retire") == 1


def test_the_secrets_last_use_is_recorded(client, secret, peer):
    assert IntakeSecret.objects.get().last_used_at is None

    send(client, report(peer), secret=secret)

    assert IntakeSecret.objects.get().last_used_at is not None


def test_the_schema_documents_the_intake(client, db):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/intake/safety-report"]["post"]

    assert {"200", "201", "401", "409", "422", "503"} <= set(operation["responses"])
    assert "X-PeerSupport-Signature" in operation["description"] and operation["summary"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("SafetyReportIn")


def test_a_repeat_after_the_retention_purge_still_answers_the_same_receipt(client, secret, director, supporter_a):
    """The purge blanks the report's reference; its keyed hash stays, so a late repeat creates nothing."""
    from peersupport.cases.retention import retention_purge
    from peersupport.cases.tests.test_retention import CLOSED_ON, NOW, supported_case
    from peersupport.resources.models import Resource

    peer = make_person()
    body = report(peer, occurred_on="2024-03-10")
    with time_machine.travel(CLOSED_ON, tick=False):
        first = send(client, body, secret=secret, timestamp=int(CLOSED_ON.timestamp()))
    assert first.status_code == 201
    referral = Referral.objects.get(pk=first.json()["referral_id"])
    team = {"director": director, "supporter": supporter_a, "referrer": director,
            "resource": Resource.objects.create(name="EAP", category="counseling", contact="x")}
    supported_case(team, peer, referral=referral)
    assert retention_purge(now=NOW).referrals == 1
    referral.refresh_from_db()
    assert referral.external_ref == "" and referral.intake_ref_hash

    again = send(client, body, secret=secret)

    assert again.status_code == 200 and again.json() == first.json()
    assert Referral.objects.count() == 1
    changed = send(client, report(peer, occurred_on="2024-03-10", summary="A patient fell on the ward."), secret=secret)
    assert changed.status_code == 409 and Referral.objects.count() == 1
