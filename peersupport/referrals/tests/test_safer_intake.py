"""A safer intake, through every path in (the service, the referral form, the self-referral form,
the API): no patient details in the sentence, wishes from fixed lists and only on a
self-referral, a checked external reference and event date, every problem at once in plain
words, and a redrawn form that shows no one the type-ahead would not."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import ApiToken
from peersupport.cases.models import Case
from peersupport.referrals.models import Referral
from peersupport.referrals.services import EVENT_MAX_AGE_YEARS, ReferralRefused, referral_create
from peersupport.referrals.tests.test_referral_create import referral_input
from peersupport.testing.factories import make_person, make_supporter

DOSE_SUMMARY = "The nurse gave 10mg of a sedative twice on the ward overnight."


@pytest.fixture
def peer(db):
    return make_person(name="Pat Peer", employee_id="E1042", department="Emergency")


@pytest.fixture
def call():
    """call(user, "POST", "/referrals", body, headers=...) against the API (None: no token)."""

    def _call(user, method, path, body=None, *, headers=None):
        sent = dict(headers or {})
        if user is not None:
            sent["Authorization"] = f"Bearer {ApiToken.issue(user)[1]}"
        return Client().generic(method, "/api/v1" + path, data="" if body is None else json.dumps(body),
                                content_type="application/json", headers=sent)

    return _call


def codes(exc: ReferralRefused) -> list[str]:
    return [problem.code for problem in exc.problems]


def api_body(**event):
    return {
        "event": {"category": "medical_error", "occurred_on": "2026-11-20",
                  "summary": "Unexpected airway complication during an elective procedure.", **event},
        "involved": [{"employee_id": "E1042"}],
        "source": "safety_report",
    }


def form_data(**overrides):
    data = {"involved": ["E1042"], "involved_ids": "", "category": "medical_error",
            "occurred_on": "2026-11-20", "source": "safety_report",
            "summary": "Unexpected airway complication during an elective procedure.", "key": ""}
    data.update(overrides)
    return data


# No patient details, on every path in -------------------------------------------------------

def test_the_service_refuses_a_sentence_with_patient_details_saying_which_part(referrer, peer):
    with pytest.raises(ReferralRefused) as refused:
        referral_create(referred_by=referrer, data=referral_input(
            "E1042", summary="Patient John Smith MRN 12345678 died. The nurse gave 10mg morphine IV at 3am."))
    assert codes(refused.value) == ["summary.record_number", "summary.dose", "summary.name", "summary.sentences"]
    assert "“MRN 12345678”" in refused.value.detail and "“10mg”" in refused.value.detail
    assert not Referral.objects.exists() and not Case.objects.exists()


def test_the_referral_form_shows_the_refused_part_beside_the_sentence(client, referrer, peer):
    client.force_login(referrer)
    page = client.get(reverse("referral-new")).content.decode()
    assert 'data-testid="summary-guidance"' in page and "Leave out names, record or bed numbers" in page
    response = client.post(reverse("referral-new"), form_data(summary=DOSE_SUMMARY))
    assert response.status_code == 422
    page = response.content.decode()
    beside = page.split('data-testid="summary-errors"')[1].split("</div>")[0]
    assert "“10mg” is a dose or an amount" in beside and "a medication dose" in beside
    assert not Referral.objects.exists()


def test_the_self_referral_form_refuses_patient_details_too(client, outsider):
    client.force_login(outsider)
    response = client.post(reverse("support-ask"), {
        "category": "medical_error", "occurred_on": "2026-11-20", "summary": "Mrs Jones died after a fall in bed 4.",
        "key": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "“Mrs Jones” looks like a person" in page and "“bed 4” names a bed or a room" in page
    assert not Referral.objects.exists()


def test_the_api_refuses_patient_details_with_each_problem_and_where_it_is(call, referrer, peer):
    response = call(referrer, "POST", "/referrals", api_body(summary="A 72-year-old patient in room 12 fell."))
    assert response.status_code == 422
    body = response.json()
    assert "“72-year-old” gives an exact age" in body["detail"]
    assert [(e["loc"], e["type"]) for e in body["errors"]] == [
        (["event", "summary"], "summary.age"), (["event", "summary"], "summary.bed_room")]
    assert not Referral.objects.exists()


def test_a_name_on_the_roster_is_refused_with_one_query_however_long_the_sentence(referrer, peer, db):
    with pytest.raises(ReferralRefused) as refused:
        referral_create(referred_by=referrer, data=referral_input("E1042", summary="Pat Peer missed a scan result."))
    assert codes(refused.value) == ["summary.roster_name"]

    def queries(summary: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            with pytest.raises(ReferralRefused):
                referral_create(referred_by=referrer, data=referral_input("E9999", summary=summary))
        return len(captured)

    assert queries("A Fall In Radiology.") == queries(
        "A Fall In The Main Radiology Suite At Night Was Seen Late By The Early Morning Team On Call.")


def test_a_name_the_type_ahead_would_not_show_is_not_looked_for(referrer, peer, db):
    """The sentence check tells nothing about people a referrer could not find by name."""
    make_person(name="Lee Former", active=False)
    make_person(name="Noor Nurse", role_type="nurse")
    referral, _ = referral_create(referred_by=referrer, data=referral_input(
        "E1042", summary="Lee Former and Noor Nurse were on the unit when a patient fell."))
    assert referral.pk


# Wishes only from fixed lists, and only on a self-referral ---------------------------------

def test_wishes_on_a_referral_of_a_colleague_answer_422(call, referrer, peer):
    response = call(referrer, "POST", "/referrals", {**api_body(), "preferences": {"gender": "female"}})
    assert response.status_code == 422
    assert "only when clinicians ask for support for themselves" in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == ["preferences"]
    assert not Referral.objects.exists()


@pytest.mark.parametrize("wish", [{"gender": "tall"}, {"role_type": "surgeon"}, {"specialty": "Astrology"}])
def test_a_wish_outside_its_list_answers_422(call, outsider, wish):
    body = {**api_body(), "involved": [{"employee_id": outsider.person.employee_id}], "source": "self",
            "preferences": wish}
    response = call(outsider, "POST", "/referrals", body)
    assert response.status_code == 422
    assert list(wish)[0] in response.json()["detail"].lower() or "list" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_a_self_referral_may_wish_for_a_supporters_specialty(call, outsider):
    make_supporter(make_person(specialty="Cardiology"))
    body = {**api_body(), "involved": [{"employee_id": outsider.person.employee_id}], "source": "self",
            "preferences": {"gender": "female", "specialty": "Cardiology", "role_type": "physician"}}
    response = call(outsider, "POST", "/referrals", body)
    assert response.status_code == 201, response.content
    assert Referral.objects.get().preferences == {"gender": "female", "specialty": "Cardiology",
                                                  "role_type": "physician"}


def test_the_self_referral_form_offers_specialties_as_a_list(client, outsider):
    make_supporter(make_person(specialty="Cardiology"))
    make_supporter(make_person(specialty="Dermatology"), status="retired")
    client.force_login(outsider)
    page = client.get(reverse("support-ask")).content.decode()
    assert '<select name="specialty"' in page
    assert '<option value="Cardiology">' in page and "Dermatology" not in page
    response = client.post(reverse("support-ask"), {
        "category": "medical_error", "occurred_on": "2026-11-20", "key": "",
        "summary": "A medication dose was given twice on the ward overnight.", "specialty": "Dermatology"})
    assert response.status_code == 422 and not Referral.objects.exists()


def test_the_api_schema_lists_the_fixed_wishes(call, referrer):
    schema = call(None, "GET", "/openapi.json").json()["components"]["schemas"]
    assert "GenderPreference" in schema and set(schema["GenderPreference"]["enum"]) == {"female", "male", "non-binary"}
    assert schema["PreferencesIn"]["properties"]["specialty"]["description"].startswith("One of the specialties")


# The external reference -------------------------------------------------------------------

@pytest.mark.parametrize("external_ref", ["SR-2291", "2026/INC.0042_b"])
def test_an_external_reference_in_the_usual_form_is_kept(call, integration, peer, external_ref):
    response = call(integration, "POST", "/referrals", api_body(external_ref=external_ref),
                    headers={"Idempotency-Key": "k1"})
    assert response.status_code == 201
    assert Referral.objects.get().external_ref == external_ref


@pytest.mark.parametrize("external_ref", ["Dr Smith's patient", "x" * 41, "MRN:1234;bed 4"])
def test_an_external_reference_outside_the_pattern_is_refused_plainly(call, integration, peer, external_ref):
    response = call(integration, "POST", "/referrals", api_body(external_ref=external_ref),
                    headers={"Idempotency-Key": "k1"})
    assert response.status_code == 422
    assert "letters, digits and - _ / . only, at most 40 characters" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_the_external_reference_pattern_comes_from_the_settings(settings, integration, peer):
    settings.EXTERNAL_REF_PATTERN = r"SR-\d{4}"
    with pytest.raises(ReferralRefused, match=r"it must match SR-\\d\{4\}"):
        referral_create(referred_by=integration, data=referral_input("E1042", external_ref="INC-1"))
    referral, _ = referral_create(referred_by=integration, data=referral_input("E1042", external_ref="SR-1234"))
    assert referral.external_ref == "SR-1234"


# The event's date ---------------------------------------------------------------------------

def test_an_event_after_today_in_the_program_time_zone_is_refused(settings, referrer, peer):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: already the next day there
    with time_machine.travel(datetime(2026, 11, 30, 12, 0, tzinfo=UTC), tick=False):
        assert timezone.localdate() == date(2026, 12, 1)
        with pytest.raises(ReferralRefused, match="today is December 1, 2026 in the program's time zone"):
            referral_create(referred_by=referrer, data=referral_input("E1042", occurred_on=date(2026, 12, 2)))
        referral, _ = referral_create(referred_by=referrer, data=referral_input("E1042", occurred_on=date(2026, 12, 1)))
    assert referral.occurred_on == date(2026, 12, 1)


def test_an_event_more_than_the_limit_of_years_ago_is_refused(referrer, peer):
    today = timezone.localdate()
    limit = today.replace(year=today.year - EVENT_MAX_AGE_YEARS) if not (today.month == 2 and today.day == 29) \
        else today.replace(year=today.year - EVENT_MAX_AGE_YEARS, day=28)
    with pytest.raises(ReferralRefused) as refused:
        referral_create(referred_by=referrer, data=referral_input("E1042", occurred_on=limit - timedelta(days=1)))
    assert codes(refused.value) == ["occurred_on.too_old"]
    assert "Check the year" in refused.value.detail
    referral, _ = referral_create(referred_by=referrer, data=referral_input("E1042", occurred_on=limit))
    assert referral.occurred_on == limit


def test_the_form_refuses_tomorrow(client, referrer, peer):
    client.force_login(referrer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(reverse("referral-new"), form_data(occurred_on=tomorrow.isoformat()))
    assert response.status_code == 422 and "is in the future" in response.content.decode()


# Every problem at once, in plain words -----------------------------------------------------

def test_the_form_shows_every_problem_at_once_beside_its_field(client, referrer, peer):
    make_person(employee_id="N1393", role_type="nurse")
    client.force_login(referrer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(reverse("referral-new"), form_data(
        category="", involved_ids="E9999 N1393", occurred_on=tomorrow.isoformat(), summary=DOSE_SUMMARY))
    assert response.status_code == 422
    page = response.content.decode()
    problems = page.split('data-testid="error-list"')[1].split("</ul>")[0]
    for expected in (
        "Choose the kind of event.",
        "We could not find anyone with employee id E9999 among the current staff on the roster. Check the id, "
        "or search for them by name.",
        "The program does not yet serve the professional role of N1393: it currently serves physicians, "
        "residents and fellows.",
        "their employee assistance program can help them",
        "is in the future",
        "“10mg” is a dose or an amount",
    ):
        assert expected in problems, expected
        assert page.count(expected) == 2, f"Not shown beside its field: {expected}"
    assert 'data-testid="involved-errors"' in page and 'aria-invalid="true"' in page
    assert not Referral.objects.exists()


def test_the_service_refuses_with_every_problem_and_where_it_is(referrer, peer):
    with pytest.raises(ReferralRefused) as refused:
        referral_create(referred_by=referrer, data=referral_input(
            "E1042", "E9999", category="gossip", summary="Two sentences. Here.",
            occurred_on=timezone.localdate() + timedelta(days=2)))
    assert [(p.loc, p.code) for p in refused.value.problems] == [
        (("involved", 1, "employee_id"), "involved.unknown"),
        (("event", "category"), "category.unknown"),
        (("event", "occurred_on"), "occurred_on.future"),
        (("event", "summary"), "summary.sentences"),
    ]


def test_someone_who_left_is_not_found_like_an_unknown_id(referrer, db):
    make_person(employee_id="E5000", active=False)
    with pytest.raises(ReferralRefused, match="We could not find anyone with employee id E5000"):
        referral_create(referred_by=referrer, data=referral_input("E5000"))


# No roster disclosure on a redrawn form -----------------------------------------------------

def test_a_redrawn_form_shows_only_colleagues_the_type_ahead_would_show(client, referrer, peer):
    make_person(name="Lee Former", employee_id="X1", active=False)
    make_person(name="Noor Nurse", employee_id="X2", role_type="nurse")
    client.force_login(referrer)
    response = client.post(reverse("referral-new"), form_data(involved=["E1042", "X1", "X2"], summary=""))
    page = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="chip" data-employee-id="E1042"' in page and "Pat Peer" in page
    assert "Lee Former" not in page and "Noor Nurse" not in page
    # What the type-ahead answers for them, for comparison: nothing.
    for employee_id in ("X1", "X2"):
        chip = client.get(reverse("roster-chip"), {"employee_id": employee_id})
        assert 'data-testid="chip"' not in chip.content.decode()
