"""Two directors acting on the same case at the same moment, on a real PostgreSQL."""

import json
import threading
from datetime import date

import pytest
from django.db import connections
from django.test import Client

from peersupport.accounts.models import ApiToken, Role
from peersupport.cases.models import Assignment, Case, CaseState
from peersupport.cases.services import case_assign
from peersupport.lib.errors import Conflict
from peersupport.notifications.models import OutboxMessage
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    """Run each call in its own thread and connection, released at the same instant."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.postgres(reason="row locks need PostgreSQL")
@pytest.mark.parametrize("same_supporter", [True, False])
def test_two_directors_assigning_at_once_one_wins_one_conflicts(same_supporter):
    directors = [make_user(Role.DIRECTOR), make_user(Role.ADMINISTRATOR)]
    referrer = make_user(Role.REFERRER)
    peer = make_person(department="Emergency")
    first = make_supporter(make_person(department="Surgery"))
    second = first if same_supporter else make_supporter(make_person(department="Radiology"))
    referral, _ = referral_create(
        referred_by=referrer,
        data=ReferralInput(category="medical_error", occurred_on=date(2026, 11, 20),
                           summary="A medication was given at the wrong dose.",
                           involved_employee_ids=[peer.employee_id], source="safety_report"),
    )
    case = referral.cases.get()

    outcomes = run_together(
        lambda: case_assign(actor=directors[0], case_id=case.pk,
                            supporter_employee_id=first.person.employee_id,
                            override_reason="other"),
        lambda: case_assign(actor=directors[1], case_id=case.pk,
                            supporter_employee_id=second.person.employee_id,
                            override_reason="other"),
    )

    wins = [o for o in outcomes if isinstance(o, Case)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(wins) == 1 and len(conflicts) == 1, outcomes
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED and case.version == 2
    assert case.supporter_id == wins[0].supporter_id
    assert Assignment.objects.filter(case=case).count() == 1
    assert OutboxMessage.objects.filter(kind="assignment").count() == 1


@pytest.mark.postgres(reason="row locks need PostgreSQL")
def test_two_cases_racing_for_the_last_slot_never_exceed_the_limit():
    director = make_user(Role.DIRECTOR)
    referrer = make_user(Role.REFERRER)
    supporter = make_supporter(make_person(department="Surgery"), capacity=1)
    peers = [make_person(department="Emergency"), make_person(department="Emergency")]
    referral, _ = referral_create(
        referred_by=referrer,
        data=ReferralInput(category="patient_aggression", occurred_on=date(2026, 11, 20),
                           summary="A visitor threatened staff on the ward.",
                           involved_employee_ids=[p.employee_id for p in peers],
                           source="safety_report"),
    )
    cases = list(referral.cases.all())

    outcomes = run_together(*[
        (lambda c=c: case_assign(actor=director, case_id=c.pk,
                                 supporter_employee_id=supporter.person.employee_id,
                                 override_reason="other"))
        for c in cases
    ])

    assert sum(isinstance(o, Case) for o in outcomes) == 1, outcomes
    assert Case.objects.filter(supporter=supporter).count() == 1


@pytest.mark.postgres(reason="row locks need PostgreSQL")
def test_two_directors_assigning_at_once_through_the_api_one_gets_200_the_other_409():
    directors = [make_user(Role.DIRECTOR), make_user(Role.DIRECTOR)]
    tokens = [ApiToken.issue(director)[1] for director in directors]
    peer = make_person(department="Emergency")
    supporters = [make_supporter(make_person(department="Surgery")),
                  make_supporter(make_person(department="Radiology"))]
    referral, _ = referral_create(
        referred_by=make_user(Role.REFERRER),
        data=ReferralInput(category="medical_error", occurred_on=date(2026, 11, 20),
                           summary="A medication was given at the wrong dose.",
                           involved_employee_ids=[peer.employee_id], source="safety_report"),
    )
    case = referral.cases.get()

    def assign(token, supporter):
        body = {"supporter": supporter.person.employee_id, "override_reason": "other"}
        return Client().post(f"/api/v1/cases/{case.pk}/assignment", data=json.dumps(body),
                             content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})

    outcomes = run_together(*[
        (lambda t=t, s=s: assign(t, s)) for t, s in zip(tokens, supporters, strict=True)
    ])

    assert sorted(o.status_code for o in outcomes) == [200, 409], outcomes
    [won] = [o.json() for o in outcomes if o.status_code == 200]
    [lost] = [o.json() for o in outcomes if o.status_code == 409]
    assert "detail" in lost
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED and case.version == 2
    assert case.supporter.person.employee_id == won["supporter"]["employee_id"]
    assert Assignment.objects.filter(case=case).count() == 1
    assert OutboxMessage.objects.filter(kind="assignment").count() == 1
