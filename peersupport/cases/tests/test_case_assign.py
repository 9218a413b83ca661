from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Assignment, Case, CaseState
from peersupport.cases.services import case_assign, referral_apply_plan
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.notifications.models import OutboxMessage
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.testing.factories import make_person, make_supporter


def refer(user, *people, **overrides):
    data = {
        "category": "patient_death",
        "occurred_on": date(2026, 11, 20),
        "summary": "A patient died unexpectedly after a routine admission.",
        "involved_employee_ids": [p.employee_id for p in people],
        "source": "safety_report",
    }
    data.update(overrides)
    referral, _ = referral_create(referred_by=user, data=ReferralInput(**data))
    return referral


@pytest.fixture
def peer(db):
    return make_person(name="Pat Peer", department="Emergency", specialty="Emergency Medicine")


@pytest.fixture
def case(referrer, peer):
    return refer(referrer, peer).cases.get()


def test_director_assigns_a_suggested_supporter(director, case, supporter_a):
    assigned = case_assign(actor=director, case_id=case.pk,
                           supporter_employee_id=supporter_a.person.employee_id)
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED and case.supporter == supporter_a
    assert case.version == 2 and assigned.next_due_at > assigned.assigned_at
    record = Assignment.objects.get(case=case)
    assert record.rank == 1 and record.reasons
    assert AuditEntry.objects.filter(action="case.assigned", object_id=str(case.pk)).exists()
    mail = OutboxMessage.objects.get(kind="assignment")
    assert mail.to == supporter_a.person.email
    assert "Pat Peer" in mail.body and "Pat Peer" not in mail.subject


def test_hard_rule_can_never_be_overridden(director, case, peer):
    colleague = make_supporter(make_person(department=peer.department))
    with pytest.raises(InvalidInput, match="department"):
        case_assign(actor=director, case_id=case.pk,
                    supporter_employee_id=colleague.person.employee_id,
                    override_reason="peer_request")
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_ASSIGNMENT and not OutboxMessage.objects.filter(
        kind="assignment").exists()


def test_supervisor_is_refused(director, referrer, db):
    chief = make_supporter(make_person(department="Surgery Leadership"))
    resident = make_person(supervisor=chief.person, department="Surgery")
    case = refer(referrer, resident).cases.get()
    with pytest.raises(InvalidInput, match="supervis"):
        case_assign(actor=director, case_id=case.pk, supporter_employee_id=chief.person.employee_id)


def test_choice_outside_the_suggestions_needs_a_reason(director, case):
    supporters = [make_supporter(make_person(specialty="Emergency Medicine", rank=5))
                  for _ in range(5)]
    below = make_supporter(make_person(rank=1, specialty="Radiology"), capacity=1)
    assert supporters
    with pytest.raises(InvalidInput, match="reason"):
        case_assign(actor=director, case_id=case.pk, supporter_employee_id=below.person.employee_id)
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=below.person.employee_id,
                override_reason="peer_request")
    assert Assignment.objects.get(case=case).override_reason == "peer_request"


def test_second_assignment_of_the_same_case_conflicts(director, administrator, case, supporter_a,
                                                      supporter_b):
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter_a.person.employee_id)
    with pytest.raises(Conflict):
        case_assign(actor=administrator, case_id=case.pk,
                    supporter_employee_id=supporter_b.person.employee_id)
    case.refresh_from_db()
    assert case.supporter == supporter_a


def test_stale_version_conflicts(director, case, supporter_a):
    with pytest.raises(Conflict):
        case_assign(actor=director, case_id=case.pk,
                    supporter_employee_id=supporter_a.person.employee_id, expected_version=7)


def test_reassign_moves_the_case(director, case, supporter_a, supporter_b):
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter_a.person.employee_id)
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter_b.person.employee_id,
                reassign=True)
    case.refresh_from_db()
    assert case.supporter == supporter_b and case.assignments.count() == 2


def test_full_supporter_is_refused(director, referrer, supporter_a):
    peers = [make_person(department=f"Ward {i}") for i in range(3)]
    cases = list(refer(referrer, *peers).cases.order_by("pk"))
    for case in cases[:2]:
        case_assign(actor=director, case_id=case.pk,
                    supporter_employee_id=supporter_a.person.employee_id, override_reason="other")
    with pytest.raises(InvalidInput, match="limit"):
        case_assign(actor=director, case_id=cases[2].pk,
                    supporter_employee_id=supporter_a.person.employee_id, override_reason="other")


@pytest.mark.parametrize("persona", ["supporter_a", "referrer", "leader", "integration"])
def test_only_program_staff_assign(request, case, supporter_a, persona):
    user = request.getfixturevalue(persona)
    if persona == "supporter_a":
        user = supporter_a.person.user
    with pytest.raises((PermissionDenied, Http404)):
        case_assign(actor=user, case_id=case.pk,
                    supporter_employee_id=supporter_a.person.employee_id)


def test_plan_assigns_every_case_within_limits(director, referrer):
    supporters = [make_supporter(make_person(department=f"Team {i}"), capacity=1) for i in range(3)]
    peers = [make_person(department="Trauma") for _ in range(3)]
    referral = refer(referrer, *peers)
    assigned = referral_apply_plan(actor=director, referral_id=referral.pk)
    assert len(assigned) == 3
    assert {c.supporter_id for c in Case.objects.filter(referral=referral)} == {
        s.pk for s in supporters}
    assert all(a.via_plan for a in Assignment.objects.all())
    with pytest.raises(Conflict):
        referral_apply_plan(actor=director, referral_id=referral.pk)


def test_override_reason_is_one_of_a_fixed_list_never_free_text(director, case):
    outsider = make_supporter(make_person(rank=1, specialty="Radiology"))
    for _ in range(5):
        make_supporter(make_person(specialty="Emergency Medicine", rank=5))
    with pytest.raises(InvalidInput, match="override_reason"):
        case_assign(actor=director, case_id=case.pk, supporter_employee_id=outsider.person.employee_id,
                    override_reason="She told me she cannot sleep since the death")
    assert not Assignment.objects.exists()
