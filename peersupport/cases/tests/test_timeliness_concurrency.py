"""Two reminder runs at the same moment, on a real PostgreSQL: each notice is sent once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.cases.models import Case, StepNotice
from peersupport.cases.services import case_assign
from peersupport.cases.tests.test_concurrency import run_together
from peersupport.cases.timeliness import NoticeCounts, send_due_notices
from peersupport.front.tests.helpers import refer
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.postgres(reason="row locks need PostgreSQL")
def test_two_runs_at_once_send_each_notice_once():
    director = make_user(Role.DIRECTOR)
    supporter = make_supporter(make_person(department="Surgery"), capacity=5)
    cases = []
    for _ in range(3):
        case = refer(make_user(Role.REFERRER), make_person(department="Emergency")).cases.get()
        cases.append(case_assign(actor=director, case_id=case.pk,
                                 supporter_employee_id=supporter.person.employee_id))
    # Every first outreach is a day late: each case is due a reminder and an escalation.
    Case.objects.update(next_due_at=timezone.now() - timedelta(days=1))

    outcomes = run_together(send_due_notices, send_due_notices)
    assert all(isinstance(o, NoticeCounts) for o in outcomes), outcomes
    assert sum(o.reminders for o in outcomes) == 3 and sum(o.escalations for o in outcomes) == 3
    assert StepNotice.objects.count() == 6
    assert OutboxMessage.objects.filter(kind="step_reminder").count() == 3
    assert OutboxMessage.objects.filter(kind="step_escalation", to=director.email).count() == 3
