"""POST /referrals, the referrer's receipt, and the joint plan."""

import pytest

from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Case
from peersupport.cases.services import case_assign
from peersupport.notifications.models import OutboxMessage
from peersupport.referrals.models import Referral
from peersupport.testing.factories import make_person

REFERRAL = {
    "event": {"category": "medical_error", "occurred_on": "2026-11-20",
              "summary": "Unexpected airway complication during an elective procedure.",
              "interventional": True, "external_ref": "SR-2291"},
    "involved": [{"employee_id": "E1042"}, {"employee_id": "E2210"}],
    "source": "safety_report",
}


@pytest.fixture
def involved(db):
    return (make_person(employee_id="E1042", department="Anesthesia"),
            make_person(employee_id="E2210", department="Surgery ICU"))


def test_referral_answers_201_with_the_receipt(call, referrer, involved):
    response = call(referrer, "POST", "/referrals", REFERRAL)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"referral_id", "received_at", "involved_count"}
    assert body["involved_count"] == 2
    referral = Referral.objects.get(pk=body["referral_id"])
    assert referral.referred_by == referrer and referral.cases.count() == 2
    assert AuditEntry.objects.filter(action="referral.create", via="api").exists()


def test_unknown_employee_is_422_naming_it(call, referrer, involved):
    body = {**REFERRAL, "involved": [{"employee_id": "E1042"}, {"employee_id": "E7777"}]}
    response = call(referrer, "POST", "/referrals", body)
    assert response.status_code == 422
    assert "E7777" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_integration_must_send_an_idempotency_key(call, integration, involved):
    response = call(integration, "POST", "/referrals", REFERRAL)
    assert response.status_code == 422
    assert response.json()["detail"] == "Idempotency-Key header is required for integrations"
    assert not Referral.objects.exists()


def test_replay_with_the_same_key_and_body_creates_nothing(call, integration, involved):
    key = {"Idempotency-Key": "SR-2291-1"}
    first = call(integration, "POST", "/referrals", REFERRAL, headers=key)
    counts = (Referral.objects.count(), Case.objects.count(), OutboxMessage.objects.count())
    again = call(integration, "POST", "/referrals", REFERRAL, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert (Referral.objects.count(), Case.objects.count(),
            OutboxMessage.objects.count()) == counts == (1, 2, counts[2])


def test_same_key_with_a_different_body_is_422(call, integration, involved):
    key = {"Idempotency-Key": "SR-2291-1"}
    call(integration, "POST", "/referrals", REFERRAL, headers=key)
    changed = {**REFERRAL, "involved": [{"employee_id": "E1042"}]}
    response = call(integration, "POST", "/referrals", changed, headers=key)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert Referral.objects.count() == 1


def test_unknown_and_missing_fields_are_named(call, referrer, involved):
    body = {**REFERRAL, "involved": [{"name": "Dana"}], "note": "she cried"}
    response = call(referrer, "POST", "/referrals", body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "involved.0.employee_id: field required" in detail
    assert "unexpected field 'note'" in detail
    assert "unexpected field 'involved.0.name'" in detail
    assert not Referral.objects.exists()


@pytest.mark.parametrize(("event", "named"), [
    ({"summary": "x" * 201}, "event.summary"),
    ({"category": "bad_luck"}, "event.category"),
    ({"occurred_on": "20 November"}, "event.occurred_on"),
    ({"interventional": "yes"}, "event.interventional"),
    ({"clinical_notes": "airway"}, "event.clinical_notes"),
])
def test_bad_event_fields_are_422(call, referrer, involved, event, named):
    body = {**REFERRAL, "event": {**REFERRAL["event"], **event}}
    response = call(referrer, "POST", "/referrals", body)
    assert response.status_code == 422
    assert named in response.json()["detail"]


def test_empty_body_is_422(call, referrer, involved):
    response = call(referrer, "POST", "/referrals")
    assert response.status_code == 422
    assert response.json()["detail"]


def test_receipt_is_identical_before_and_after_assignment(call, referrer, director, involved,
                                                          supporter_a):
    referral_id = call(referrer, "POST", "/referrals", REFERRAL).json()["referral_id"]
    before = call(referrer, "GET", f"/referrals/{referral_id}")
    assert before.status_code == 200
    assert set(before.json()) == {"referral_id", "received_at", "involved_count"}
    case = Case.objects.filter(referral_id=referral_id).order_by("pk").first()
    case_assign(actor=director, case_id=case.pk,
                supporter_employee_id=supporter_a.person.employee_id)
    after = call(referrer, "GET", f"/referrals/{referral_id}")
    assert after.status_code == 200
    assert after.content == before.content


def test_another_referrers_receipt_is_404(call, referral, outsider, integration):
    assert call(outsider, "GET", f"/referrals/{referral.pk}").status_code == 404
    assert call(integration, "GET", f"/referrals/{referral.pk}").status_code == 404


def test_unknown_referral_is_404(call, director):
    assert call(director, "GET", "/referrals/987654").status_code == 404


def test_plan_proposes_one_supporter_per_unassigned_case(call, director, involved, referrer,
                                                         supporter_a, supporter_b):
    referral_id = call(referrer, "POST", "/referrals", REFERRAL).json()["referral_id"]
    response = call(director, "GET", f"/referrals/{referral_id}/plan")
    assert response.status_code == 200
    plan = response.json()
    cases = list(Case.objects.filter(referral_id=referral_id).order_by("pk").values_list("pk",
                                                                                         flat=True))
    assert [item["case_id"] for item in plan] == cases
    supporters = {supporter_a.person.employee_id, supporter_b.person.employee_id}
    assert {item["employee_id"] for item in plan} <= supporters
    assert all(item["name"] and isinstance(item["score"], float) for item in plan)


def test_plan_for_unknown_referral_is_404(call, administrator):
    assert call(administrator, "GET", "/referrals/987654/plan").status_code == 404
