from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.cases.models import Case
from peersupport.front.tests.helpers import SUMMARY, assign, login_as, without_csrf
from peersupport.referrals.models import Referral
from peersupport.testing.factories import make_person


@pytest.fixture
def peers(db):
    return [
        make_person(name="Pat Peer", employee_id="E100", department="Emergency"),
        make_person(name="Sam Peer", employee_id="E200", department="Surgery"),
    ]


def form_data(**overrides):
    data = {
        "involved": ["E100"],
        "involved_ids": "E200",
        "category": "patient_death",
        "occurred_on": "2026-11-20",
        "source": "safety_report",
        "summary": SUMMARY,
        "key": "",
    }
    data.update(overrides)
    return data


def test_referral_form_offers_the_warning_and_default_source(client, referrer, outsider):
    client.force_login(referrer)
    page = client.get(reverse("referral-new")).content.decode()
    assert "One sentence, no patient details, no clinical narrative" in page
    assert 'maxlength="200"' in page
    assert '<option value="safety_report" selected>' in page
    client.force_login(outsider)
    page = client.get(reverse("referral-new")).content.decode()
    assert '<option value="colleague" selected>' in page


def test_referral_creates_one_case_per_clinician_and_shows_the_receipt(client, referrer, peers):
    client.force_login(referrer)
    response = client.post(reverse("referral-new"), form_data())
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("referral-receipt", args=[referral.pk])
    assert sorted(Case.objects.values_list("peer__employee_id", flat=True)) == ["E100", "E200"]
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    text = receipt.content.decode()
    assert 'data-testid="receipt"' in text
    assert f'data-testid="referral-number">{referral.pk}<' in text
    assert 'data-testid="involved-count">2<' in text


def test_employee_ids_typed_without_javascript_are_enough(client, outsider, peers):
    client.force_login(outsider)
    response = client.post(reverse("referral-new"), form_data(involved=[], involved_ids="E100, E200;"))
    assert response.status_code == 302
    assert Case.objects.count() == 2


def test_the_same_form_sent_twice_makes_one_referral(client, referrer, peers):
    client.force_login(referrer)
    data = form_data(key="a1b2c3")
    first = client.post(reverse("referral-new"), data)
    second = client.post(reverse("referral-new"), data)
    assert first["Location"] == second["Location"]
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"involved_ids": "E999"}, "We could not find anyone with employee id E999"),
        ({"summary": "x" * 201}, "201 characters"),
        ({"occurred_on": (timezone.localdate() + timedelta(days=3)).isoformat()}, "in the future"),
        ({"involved": [], "involved_ids": ""}, "Name at least one involved clinician"),
        ({"summary": ""}, "The description is required"),
        ({"occurred_on": "last tuesday"}, "Give the date as YYYY-MM-DD"),
        ({"category": ""}, "Choose the kind of event"),
    ],
    ids=["unknown-id", "too-long", "future-date", "no-clinician", "no-summary", "bad-date", "no-category"],
)
def test_bad_input_explains_itself_and_creates_nothing(client, referrer, peers, overrides, message):
    client.force_login(referrer)
    response = client.post(reverse("referral-new"), form_data(**overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Referral.objects.exists() and not Case.objects.exists()


def test_a_refused_form_keeps_the_chosen_clinicians(client, referrer, peers):
    client.force_login(referrer)
    response = client.post(reverse("referral-new"), form_data(involved=["E100"], summary=""))
    page = response.content.decode()
    assert 'data-testid="chip" data-employee-id="E100"' in page
    assert 'value="E200"' in page  # the typed ids stay in their field


def test_receipt_does_not_change_when_the_case_is_assigned(client, referrer, director, supporter_a, peers):
    client.force_login(referrer)
    client.post(reverse("referral-new"), form_data(involved=["E100"], involved_ids=""))
    referral = Referral.objects.get()
    url = reverse("referral-receipt", args=[referral.pk])
    before = without_csrf(client.get(url).content.decode())
    assign(director, referral.cases.get(), supporter_a)
    after = without_csrf(client.get(url).content.decode())
    assert before == after
    assert "Alex Supporter" not in after and "ssigned" not in after


def test_a_referrer_sees_only_their_own_receipts(client, referrer, peers):
    other = Referral.objects.create(category="other", occurred_on="2026-11-01", summary="x",
                                    source="colleague", involved_count=1)
    client.force_login(referrer)
    assert client.get(reverse("referral-receipt", args=[other.pk])).status_code == 404


# The type-ahead

def test_lookup_shows_name_id_and_department_of_at_most_ten(client, referrer):
    for n in range(12):
        make_person(name=f"Robin Tester{n:02d}", employee_id=f"R{n:03d}", email=f"r{n}@example.org",
                    phone="+1 555 0199")
    client.force_login(referrer)
    response = client.get(reverse("roster-lookup"), {"q": "rob"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.count('data-testid="lookup-option"') == 10
    assert "R000" in page and "Robin Tester00" in page
    assert "r0@example.org" not in page and "555 0199" not in page
    assert "<html" not in page


def test_lookup_needs_two_characters(client, referrer, peers):
    client.force_login(referrer)
    page = client.get(reverse("roster-lookup"), {"q": "P"}, headers={"HX-Request": "true"}).content.decode()
    assert "lookup-option" not in page and "at least 2" in page


def test_lookup_leaves_out_inactive_people_and_unserved_roles(client, referrer):
    make_person(name="Pat Gone", active=False)
    make_person(name="Pat Nurse", role_type="nurse")
    make_person(name="Pat Here")
    client.force_login(referrer)
    page = client.get(reverse("roster-lookup"), {"q": "pat"}, headers={"HX-Request": "true"}).content.decode()
    assert "Pat Here" in page and "Pat Gone" not in page and "Pat Nurse" not in page


def test_lookup_without_javascript_is_a_whole_page(client, referrer, peers):
    client.force_login(referrer)
    page = client.get(reverse("roster-lookup"), {"q": "Pat"}).content.decode()
    assert "<html" in page and "E100" in page


def test_chip_carries_a_hidden_input_and_is_not_added_twice(client, referrer, peers):
    client.force_login(referrer)
    url = reverse("roster-chip")
    chip = client.get(url, {"employee_id": "E100"}, headers={"HX-Request": "true"}).content.decode()
    assert 'name="involved" value="E100"' in chip and 'data-testid="chip"' in chip
    again = client.get(url, {"employee_id": "E100", "involved": ["E100"]}).content.decode()
    assert 'data-testid="chip"' not in again


# Asking for support for oneself

def test_self_referral_names_only_oneself(client, outsider):
    client.force_login(outsider)
    response = client.post(reverse("support-ask"), {
        "category": "medical_error", "occurred_on": "2026-11-20", "summary": "I made a medication error.",
        "gender": "female", "specialty": "", "role_type": "physician",
    })
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referral-receipt", args=[referral.pk])
    assert referral.source == "self" and referral.preferences == {"gender": "female", "role_type": "physician"}
    assert [c.peer for c in referral.cases.all()] == [outsider.person]
    receipt = client.get(response["Location"]).content.decode()
    assert "We have your request" in receipt and "a colleague will be in touch" in receipt.lower()
    assert "Clinicians referred" not in receipt


def test_self_referral_with_bad_input_creates_nothing(client, outsider):
    client.force_login(outsider)
    response = client.post(reverse("support-ask"), {
        "category": "medical_error", "occurred_on": "2026-11-20", "summary": "y" * 201,
    })
    assert response.status_code == 422 and "201 characters" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_login_not_linked_to_the_roster_asks_by_work_email_like_anyone(client, request, referrer):
    login_as(client, request, "referrer")
    response = client.get(reverse("support-ask"))
    assert response.status_code == 200 and "Your work email" in response.content.decode()
