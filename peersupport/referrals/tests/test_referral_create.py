from datetime import date, timedelta

import pytest
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Case, CaseState
from peersupport.lib.errors import InvalidInput
from peersupport.notifications.models import OutboxMessage
from peersupport.program.models import ProgramSettings
from peersupport.referrals.models import Referral
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.testing.factories import make_person


def referral_input(*employee_ids: str, **overrides) -> ReferralInput:
    fields = {
        "category": "medical_error",
        "occurred_on": date(2026, 11, 20),
        "summary": "Unexpected airway complication during an elective procedure.",
        "involved_employee_ids": list(employee_ids),
        "source": "safety_report",
        "interventional": True,
    }
    fields.update(overrides)
    return ReferralInput(**fields)


@pytest.fixture
def two_peers(db):
    return make_person(employee_id="E1042"), make_person(employee_id="E2210")


def test_one_case_per_involved_clinician_due_for_assignment(referrer, director, two_peers):
    before = timezone.now()
    referral, created = referral_create(referred_by=referrer, data=referral_input("E1042", "E2210"))
    assert created
    assert referral.involved_count == 2
    cases = Case.objects.filter(referral=referral)
    assert {c.peer.employee_id for c in cases} == {"E1042", "E2210"}
    hours = ProgramSettings.current().assignment_due_hours
    for case in cases:
        assert case.state == CaseState.AWAITING_ASSIGNMENT
        assert case.next_due_at >= before + timedelta(hours=hours)
    assert AuditEntry.objects.filter(action="case.create").count() == 2
    # The director is told that cases wait, without names.
    [note] = OutboxMessage.objects.filter(kind="new_referral")
    assert note.to == director.email
    assert "E1042" not in note.body and two_peers[0].name not in note.body


def test_same_clinician_listed_twice_gets_one_case(referrer, two_peers):
    referral, _ = referral_create(referred_by=referrer, data=referral_input("E1042", "E1042"))
    assert referral.cases.count() == 1


def test_unknown_employee_is_named_and_nothing_is_created(referrer, two_peers):
    with pytest.raises(InvalidInput, match="E9999"):
        referral_create(referred_by=referrer, data=referral_input("E1042", "E9999"))
    assert not Referral.objects.exists() and not Case.objects.exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"summary": "x" * 201}, "201 characters"),
        ({"summary": "   "}, "required"),
        ({"category": "gossip"}, "“gossip” is not a kind of event"),
        ({"source": "rumour"}, "“rumour” is not a source"),
        ({"occurred_on": date.today() + timedelta(days=5)}, "future"),
        ({"involved_employee_ids": []}, "at least one"),
        ({"preferences": {"religion": "x"}}, "Unknown preference"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(referrer, two_peers, overrides, message):
    data = referral_input("E1042", **overrides)
    with pytest.raises(InvalidInput, match=message):
        referral_create(referred_by=referrer, data=data)
    assert not Case.objects.exists()


def test_role_not_served_is_refused(referrer, db):
    make_person(employee_id="N1", role_type="nurse")
    with pytest.raises(InvalidInput, match="N1"):
        referral_create(referred_by=referrer, data=referral_input("N1"))


def test_same_idempotency_key_and_body_answers_the_same_referral(integration, two_peers):
    first, created = referral_create(referred_by=integration, data=referral_input("E1042"),
                                     idempotency_key="k-1")
    again, created_again = referral_create(referred_by=integration, data=referral_input("E1042"),
                                           idempotency_key="k-1")
    assert created and not created_again
    assert again.pk == first.pk
    assert Case.objects.count() == 1


def test_same_idempotency_key_with_other_body_is_refused(integration, two_peers):
    referral_create(referred_by=integration, data=referral_input("E1042"), idempotency_key="k-1")
    with pytest.raises(InvalidInput, match="Idempotency-Key"):
        referral_create(referred_by=integration, data=referral_input("E2210"),
                        idempotency_key="k-1")
    assert Case.objects.count() == 1


def test_self_referral_must_name_oneself(outsider, two_peers):
    with pytest.raises(InvalidInput, match="yourself"):
        referral_create(referred_by=outsider, data=referral_input("E1042", source="self"))
    referral, _ = referral_create(
        referred_by=outsider,
        data=referral_input(outsider.person.employee_id, source="self",
                            preferences={"gender": "female"}),
    )
    assert referral.preferences == {"gender": "female"}
