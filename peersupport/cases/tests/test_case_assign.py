from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Assignment, Case, CaseState
from peersupport.cases.services import case_assign, referral_apply_plan
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.notifications.models import OutboxMessage
from peersupport.program.models import ProgramSettings
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.roster.models import Supporter
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


def test_applying_a_plan_records_each_assignment_and_emails_each_supporter(director, referrer):
    supporters = [make_supporter(make_person(department=f"Team {i}", email=f"s{i}@example.org"), capacity=1)
                  for i in range(3)]
    referral = refer(referrer, *[make_person(department="Trauma") for _ in range(3)])
    versions = dict(referral.cases.values_list("pk", "version"))
    assigned = referral_apply_plan(actor=director, referral_id=referral.pk)
    for case in Case.objects.filter(referral=referral):
        assert case.state == CaseState.ASSIGNED and case.version == versions[case.pk] + 1
        assert case.next_due_at is not None and case.assigned_at is not None
        record = case.assignments.get()
        assert (record.via_plan, record.rank, record.override_reason) == (True, None, "")
        assert record.score is not None and record.reasons
        entry = AuditEntry.objects.get(action="case.assigned", object_id=str(case.pk))
        assert entry.detail == {"supporter": case.supporter.person.employee_id, "previous": None, "rank": None,
                                "override": False, "via_plan": True}
        assert AuditEntry.objects.filter(action="case.assign", object_id=str(case.pk)).count() == 1
    assert {c.pk for c in assigned} == set(referral.cases.values_list("pk", flat=True))
    emails = OutboxMessage.objects.filter(kind="assignment")
    assert sorted(emails.values_list("to", flat=True)) == ["s0@example.org", "s1@example.org", "s2@example.org"]
    assert {m.case_id for m in emails} == {c.pk for c in assigned}
    assert all(Supporter.objects.get(pk=s.pk).last_assigned_at is not None for s in supporters)


def test_a_plan_takes_the_same_number_of_queries_for_three_cases_or_nine(director, referrer):
    for i in range(12):
        make_supporter(make_person(department=f"Team {i}"), capacity=1)
    small = refer(referrer, *[make_person(department="Trauma") for _ in range(3)])
    large = refer(referrer, *[make_person(department="Trauma") for _ in range(9)])
    with CaptureQueriesContext(connection) as three:
        referral_apply_plan(actor=director, referral_id=small.pk)
    with CaptureQueriesContext(connection) as nine:
        referral_apply_plan(actor=director, referral_id=large.pk)
    assert len(nine) == len(three) < 40


def test_a_case_assigned_between_the_plan_and_its_application_stops_the_whole_plan(
    director, referrer, monkeypatch
):
    from peersupport.cases import services

    for i in range(4):
        make_supporter(make_person(department=f"Team {i}"), capacity=1)
    referral = refer(referrer, *[make_person(department="Trauma") for _ in range(3)])
    stale = services.plan_for_referral(referral.pk)
    taken = min(stale)
    case_assign(actor=director, case_id=taken, supporter_employee_id=stale[taken].employee_id)
    monkeypatch.setattr(services, "plan_for_referral", lambda *args, **kwargs: stale)
    with pytest.raises(Conflict, match="look at the plan again"):
        referral_apply_plan(actor=director, referral_id=referral.pk)
    assert Case.objects.filter(referral=referral, supporter__isnull=False).count() == 1  # only the one
    assert not Assignment.objects.filter(via_plan=True).exists()


def test_a_plan_checks_each_assignment_after_the_ones_before_it(director, referrer, monkeypatch):
    """A supporter planned twice (a stale plan) is checked with the first assignment counted: past
    their limit, or a second colleague from the same event, the whole plan is refused."""
    from peersupport.cases import services
    from peersupport.matching.selectors import plan_assignment_checks

    only = make_supporter(make_person(department="Team 1"), capacity=1)
    referral = refer(referrer, *[make_person(department="Trauma") for _ in range(2)])
    cases = list(referral.cases.order_by("pk").select_related("peer", "referral"))
    pairs = [(case, only) for case in cases]
    program = ProgramSettings.current()
    first, second = plan_assignment_checks(pairs, program)
    assert first.violations == [] and first.same_event_case_id is None
    assert any("case limit" in words for words in second.violations)
    assert second.same_event_case_id == cases[0].pk

    Supporter.objects.filter(pk=only.pk).update(capacity=5)
    only.refresh_from_db()
    [single] = [services.plan_for_referral(referral.pk)[cases[0].pk]]
    monkeypatch.setattr(services, "plan_for_referral", lambda *args, **kwargs: {c.pk: single for c in cases})
    with pytest.raises(InvalidInput, match="already supports a colleague from the same event"):
        referral_apply_plan(actor=director, referral_id=referral.pk)
    assert not Case.objects.filter(referral=referral, supporter__isnull=False).exists()
