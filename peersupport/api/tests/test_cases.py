"""GET /cases, GET /cases/{id}, suggestions and assignment."""

from datetime import timedelta

import pytest

from peersupport.api.tests.helpers import refer
from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Assignment, Case, CaseState
from peersupport.testing.factories import make_person, make_supporter


def test_case_detail_has_the_contract_fields(call, director, assigned_case, supporter_a):
    response = call(director, "GET", f"/cases/{assigned_case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["case_id"] == assigned_case.pk
    assert body["referral_id"] == assigned_case.referral_id
    assert body["peer"] == {"employee_id": "E1042", "name": "Pat Peer",
                            "email": assigned_case.peer.email, "phone": assigned_case.peer.phone}
    assert body["event"] == {"category": "patient_death", "occurred_on": "2026-01-20",
                             "summary": "A patient died unexpectedly after a routine admission.",
                             "interventional": False}
    assert body["state"] == "assigned"
    assert body["supporter"] == {"employee_id": supporter_a.person.employee_id,
                                 "name": "Alex Supporter"}
    assert body["next_due_at"] and body["next_step"] == "first outreach"


def test_case_read_is_audited(call, supporter_a, assigned_case):
    call(supporter_a, "GET", f"/cases/{assigned_case.pk}")
    entry = AuditEntry.objects.get(action="case.view", object_id=str(assigned_case.pk))
    assert entry.actor == supporter_a.person.user and entry.via == "api"
    assert entry.object_type == "case"


def test_supporter_sees_own_case_but_not_anothers(call, supporter_a, supporter_b, assigned_case):
    assert call(supporter_a, "GET", f"/cases/{assigned_case.pk}").status_code == 200
    response = call(supporter_b, "GET", f"/cases/{assigned_case.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert not AuditEntry.objects.filter(action="case.view",
                                         actor=supporter_b.person.user).exists()


def test_unknown_case_is_404(call, director):
    assert call(director, "GET", "/cases/424242").status_code == 404


def test_referrer_may_never_open_a_case(call, referrer, case):
    response = call(referrer, "GET", f"/cases/{case.pk}")
    assert response.status_code == 403
    assert response.json()["detail"]


def test_list_shows_staff_everything_and_supporters_their_own(call, director, supporter_a,
                                                             supporter_b, assigned_case,
                                                             referrer):
    other = refer(referrer, make_person()).cases.get()
    staff = call(director, "GET", "/cases")
    assert staff.status_code == 200
    assert {c["case_id"] for c in staff.json()} == {assigned_case.pk, other.pk}
    assert staff["X-Total-Count"] == "2"
    own = call(supporter_a, "GET", "/cases")
    assert [c["case_id"] for c in own.json()] == [assigned_case.pk]
    assert call(supporter_b, "GET", "/cases").json() == []


def test_list_filters_by_state_and_audits_what_it_shows(call, administrator, assigned_case,
                                                       referrer):
    waiting = refer(referrer, make_person()).cases.get()
    response = call(administrator, "GET", "/cases?state=awaiting_assignment")
    assert [c["case_id"] for c in response.json()] == [waiting.pk]
    listed = AuditEntry.objects.filter(action="case.list", actor=administrator)
    assert list(listed.values_list("object_id", flat=True)) == [str(waiting.pk)]


def test_list_rejects_an_unknown_state(call, director, db):
    response = call(director, "GET", "/cases?state=lost")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("state: ")


def test_list_is_paginated_most_overdue_first(call, director, referrer):
    cases = list(refer(referrer, *[make_person() for _ in range(5)]).cases.order_by("pk"))
    for hours, case in enumerate(reversed(cases)):
        due = case.next_due_at + timedelta(hours=hours)
        Case.objects.filter(pk=case.pk).update(next_due_at=due)
    first = call(director, "GET", "/cases?limit=2")
    second = call(director, "GET", "/cases?limit=2&offset=2")
    assert first["X-Total-Count"] == second["X-Total-Count"] == "5"
    ids = [c["case_id"] for c in first.json() + second.json()]
    assert ids == [c.pk for c in reversed(cases)][:4]
    assert call(director, "GET", "/cases?limit=201").status_code == 422


def test_suggestions_rank_eligible_supporters_with_reasons(call, director, case, supporter_a,
                                                          supporter_b, peer):
    make_supporter(make_person(department=peer.department))  # breaks a hard rule
    response = call(director, "GET", f"/cases/{case.pk}/suggestions")
    assert response.status_code == 200
    body = response.json()
    assert {s["employee_id"] for s in body} == {supporter_a.person.employee_id,
                                                supporter_b.person.employee_id}
    assert body == sorted(body, key=lambda s: -s["score"])
    assert all(s["reasons"] and s["name"] for s in body)
    assert len(call(director, "GET", f"/cases/{case.pk}/suggestions?limit=1").json()) == 1


def test_suggestions_default_to_the_top_five(call, administrator, case):
    for _ in range(7):
        make_supporter(make_person())
    response = call(administrator, "GET", f"/cases/{case.pk}/suggestions")
    assert len(response.json()) == 5
    more = call(administrator, "GET", f"/cases/{case.pk}/suggestions?limit=50")
    assert len(more.json()) == 7


def test_supporter_may_not_see_suggestions_even_for_own_case(call, supporter_a, assigned_case):
    response = call(supporter_a, "GET", f"/cases/{assigned_case.pk}/suggestions")
    assert response.status_code == 403


def test_assignment_answers_the_assigned_case(call, director, case, supporter_a):
    response = call(director, "POST", f"/cases/{case.pk}/assignment",
                    {"supporter": supporter_a.person.employee_id, "override_reason": None})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "assigned" and body["case_id"] == case.pk
    assert body["supporter"]["employee_id"] == supporter_a.person.employee_id
    assert Case.objects.get(pk=case.pk).supporter == supporter_a


def test_hard_rule_break_is_422_even_with_a_reason(call, director, case, peer):
    colleague = make_supporter(make_person(department=peer.department))
    response = call(director, "POST", f"/cases/{case.pk}/assignment",
                    {"supporter": colleague.person.employee_id,
                     "override_reason": "peer_request"})
    assert response.status_code == 422
    assert "department" in response.json()["detail"]
    assert Case.objects.get(pk=case.pk).state == CaseState.AWAITING_ASSIGNMENT


def test_override_needs_a_reason_which_is_recorded(call, director, case):
    for _ in range(5):
        make_supporter(make_person(specialty="Emergency Medicine", rank=5))
    below = make_supporter(make_person(rank=1, specialty="Radiology"), capacity=1)
    url = f"/cases/{case.pk}/assignment"
    refused = call(director, "POST", url, {"supporter": below.person.employee_id})
    assert refused.status_code == 422
    assert "reason" in refused.json()["detail"]
    accepted = call(director, "POST", url, {"supporter": below.person.employee_id,
                                            "override_reason": "peer_request"})
    assert accepted.status_code == 200
    assert Assignment.objects.get(case=case).override_reason == "peer_request"


def test_assigning_an_assigned_case_is_409_unless_reassigning(call, director, assigned_case,
                                                             supporter_b):
    url = f"/cases/{assigned_case.pk}/assignment"
    body = {"supporter": supporter_b.person.employee_id, "override_reason": None}
    conflict = call(director, "POST", url, body)
    assert conflict.status_code == 409
    assert conflict.json()["detail"]
    moved = call(director, "POST", url, {**body, "reassign": True,
                                         "override_reason": "shared_experience"})
    assert moved.status_code == 200
    assert moved.json()["supporter"]["employee_id"] == supporter_b.person.employee_id


def test_unknown_supporter_is_422_naming_it(call, director, case):
    response = call(director, "POST", f"/cases/{case.pk}/assignment", {"supporter": "E0000"})
    assert response.status_code == 422
    assert "E0000" in response.json()["detail"]


@pytest.mark.parametrize("body", [{}, {"supporter": 3301}, {"supporter": "E1", "note": "x"},
                                  {"supporter": "E1", "override_reason": "x" * 201},
                                  {"supporter": "E1", "override_reason": "She has been struggling with sleep"}])
def test_bad_assignment_bodies_are_422(call, director, case, body):
    response = call(director, "POST", f"/cases/{case.pk}/assignment", body)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_assignment_to_an_unknown_case_is_404(call, director, supporter_a):
    response = call(director, "POST", "/cases/424242/assignment",
                    {"supporter": supporter_a.person.employee_id})
    assert response.status_code == 404


def test_list_costs_the_same_queries_however_many_accepted_cases_with_conversations(call, director, referrer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from peersupport.cases.models import Encounter

    def accepted_with_a_conversation(count: int) -> None:
        for case in refer(referrer, *[make_person() for _ in range(count)]).cases.all():
            Case.objects.filter(pk=case.pk).update(state=CaseState.ACCEPTED)
            Encounter.objects.create(case=case, held_on=timezone.localdate(), minutes=30, mode="phone")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert call(director, "GET", "/cases?state=accepted").status_code == 200
        return len(captured)

    accepted_with_a_conversation(1)
    call(director, "GET", "/cases?state=accepted")  # the token's first use is recorded once
    one = queries()
    accepted_with_a_conversation(4)
    assert queries() == one
