"""Every change to a case writes the audit trail: the access through the gate, then the change,
both naming who did it and the case. A refused change records nothing: the entry for its access
through the gate is rolled back with the rest of its transaction."""

import pytest
from django.utils import timezone

from peersupport.api.tests.helpers import refer
from peersupport.audit.models import AuditEntry
from peersupport.cases.actions import (
    EncounterInput,
    case_close,
    case_hand_back,
    case_raise_safety_escalation,
    case_record_encounter,
    case_record_outreach,
    case_record_resource,
    case_record_response,
    case_send_information_sheet,
)
from peersupport.cases.retention import case_set_legal_hold
from peersupport.cases.services import case_assign
from peersupport.lib.errors import Conflict
from peersupport.resources.models import Resource
from peersupport.testing.factories import make_person


@pytest.fixture
def case(director, referrer, supporter_a):
    case = refer(referrer, make_person(email="pat.peer@example.org")).cases.get()
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter_a.person.employee_id,
                override_reason="other")
    return case


def entries_written_by(change, case) -> list[tuple[str, str, str]]:
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    change()
    return list(AuditEntry.objects.filter(pk__gt=last).order_by("pk")
                .values_list("action", "actor_label", "object_id"))


def test_each_supporter_action_records_the_access_and_the_change(case, supporter_a):
    me = supporter_a.person.user
    resource = Resource.objects.create(name="Employee Assistance Program", category="counseling", contact="x1")
    steps = [
        (lambda: case_record_outreach(actor=me, case_id=case.pk, channel="call"),
         ["case.outreach", "case.outreach_recorded"]),
        (lambda: case_record_response(actor=me, case_id=case.pk, response="accepted"),
         ["case.response", "case.response_recorded"]),
        (lambda: case_record_encounter(actor=me, case_id=case.pk, data=EncounterInput(
            held_on=timezone.localdate(), minutes=40, mode="in_person")),
         ["case.encounter", "case.encounter_recorded"]),
        (lambda: case_record_resource(actor=me, case_id=case.pk, resource_id=resource.pk, facilitated=True),
         ["case.resource", "case.resource_recorded"]),
        (lambda: case_send_information_sheet(actor=me, case_id=case.pk, resource_ids=[resource.pk]),
         ["case.information_sheet", "case.information_sheet_sent"]),
        (lambda: case_raise_safety_escalation(actor=me, case_id=case.pk),
         ["case.safety_escalation", "case.safety_escalation"]),
        (lambda: case_close(actor=me, case_id=case.pk), ["case.close", "case.closed"]),
    ]
    for change, actions in steps:
        assert entries_written_by(change, case) == [(action, me.email, str(case.pk)) for action in actions]


def test_handing_back_then_assigning_again_is_recorded(case, director, supporter_a, supporter_b):
    me = supporter_a.person.user
    assert entries_written_by(lambda: case_hand_back(actor=me, case_id=case.pk, reason="no_capacity"), case) == [
        ("case.hand_back", me.email, str(case.pk)), ("case.handed_back", me.email, str(case.pk))]
    reassign = entries_written_by(lambda: case_assign(
        actor=director, case_id=case.pk, supporter_employee_id=supporter_b.person.employee_id,
        override_reason="other", reassign=True), case)
    assert [action for action, *_ in reassign] == ["case.assign", "case.assigned"]
    assert {(label, object_id) for _, label, object_id in reassign} == {(director.email, str(case.pk))}


def test_a_reassignment_is_recorded_as_one(case, director, supporter_b):
    written = entries_written_by(lambda: case_assign(
        actor=director, case_id=case.pk, supporter_employee_id=supporter_b.person.employee_id,
        override_reason="other", reassign=True), case)
    assert [action for action, *_ in written] == ["case.assign", "case.reassigned"]


def test_a_legal_hold_is_recorded_when_placed_and_lifted(case, director):
    placed = entries_written_by(lambda: case_set_legal_hold(actor=director, case_id=case.pk, hold=True), case)
    lifted = entries_written_by(lambda: case_set_legal_hold(actor=director, case_id=case.pk, hold=False), case)
    assert [action for action, *_ in placed] == ["case.legal_hold", "case.legal_hold_placed"]
    assert [action for action, *_ in lifted] == ["case.legal_hold", "case.legal_hold_lifted"]


def test_a_refused_change_records_nothing_not_even_the_access(case, supporter_a):
    me = supporter_a.person.user
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with pytest.raises(Conflict):
        case_close(actor=me, case_id=case.pk)  # an assigned case cannot be closed yet
    # The refusal rolled the whole transaction back, the access entry with it: nothing was done.
    assert list(AuditEntry.objects.filter(pk__gt=last).values_list("action", flat=True)) == []
