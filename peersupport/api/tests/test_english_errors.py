"""The API answers in English whatever language the caller's client asks for: its error messages
are read by the people who build integrations (docs/integrations.md)."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_refused_referral_is_explained_in_english_to_a_client_asking_for_spanish(call, referrer, peer):
    body = {"event": {"category": "medical_error", "occurred_on": "2026-11-20", "summary": "A patient, 72 yo, died."},
            "involved": [{"employee_id": peer.employee_id}], "source": "colleague"}
    response = call(referrer, "POST", "/referrals", body, headers={"Accept-Language": "es"})
    assert response.status_code == 422 and response["Content-Language"] == "en"
    assert "In the description, “72 yo” gives an exact age." in response.json()["detail"]
    assert "descripción" not in response.json()["detail"]
