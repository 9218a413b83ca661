"""The facts the reports keep through the retention purge: whom a case was about (role,
department, site when it opened) and the minutes to its first assignment and first outreach."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from peersupport.cases.actions import case_record_outreach
from peersupport.cases.models import Case
from peersupport.cases.report_facts import report_facts_fill
from peersupport.cases.retention import retention_purge
from peersupport.cases.services import case_assign
from peersupport.cases.tests import test_retention
from peersupport.cases.tests.test_retention import NOW, supported_case
from peersupport.front.tests.helpers import refer
from peersupport.testing.factories import make_person

OPENED = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
team = pytest.fixture(test_retention.team.__wrapped__)  # the retention tests' supported case, reused
resource = pytest.fixture(test_retention.resource.__wrapped__)


def test_a_case_keeps_the_peers_role_department_and_site_as_they_were_when_it_opened(referrer):
    peer = make_person(role_type="resident", department="Oncology", site="North Campus")
    case = refer(referrer, peer).cases.get()
    peer.department, peer.site = "Surgery", "Main Campus"
    peer.save()
    case.refresh_from_db()
    assert (case.peer_role, case.peer_department, case.peer_site) == ("resident", "Oncology", "North Campus")


def test_the_minutes_to_the_first_assignment_and_first_outreach_are_recorded_once(
        referrer, director, supporter_a, supporter_b):
    peer = make_person()
    with time_machine.travel(OPENED, tick=False):
        case = refer(referrer, peer, occurred_on=OPENED.date() - timedelta(days=1)).cases.get()
    with time_machine.travel(OPENED + timedelta(hours=2, minutes=5, seconds=40), tick=False):
        case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter_a.person.employee_id)
    with time_machine.travel(OPENED + timedelta(hours=3), tick=False):
        case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter_b.person.employee_id,
                    override_reason="availability", reassign=True)
    case.refresh_from_db()
    assert case.minutes_to_assignment == 125  # the first assignment, not the reassignment
    user = supporter_b.person.user
    with time_machine.travel(OPENED + timedelta(hours=20), tick=False):
        case_record_outreach(actor=user, case_id=case.pk, channel="call")
    with time_machine.travel(OPENED + timedelta(hours=30), tick=False):
        case_record_outreach(actor=user, case_id=case.pk, channel="text")
    case.refresh_from_db()
    assert case.minutes_to_first_outreach == 20 * 60


def test_the_report_facts_stay_when_the_retention_purge_removes_the_rest(team):
    peer = make_person(role_type="fellow", department="Pharmacy", site="North Campus")
    case = supported_case(team, peer)
    before = (case.peer_role, case.peer_department, case.peer_site, case.minutes_to_assignment,
              case.minutes_to_first_outreach)
    assert before[:3] == ("fellow", "Pharmacy", "North Campus")
    assert before[3] is not None and before[4] is not None
    retention_purge(now=NOW)
    case.refresh_from_db()
    assert case.peer is None and case.purged_at is not None
    assert (case.peer_role, case.peer_department, case.peer_site, case.minutes_to_assignment,
            case.minutes_to_first_outreach) == before


def test_facts_missing_on_older_cases_are_worked_out_from_their_records_but_not_for_purged_ones(team):
    peer, other = make_person(role_type="resident", department="ICU"), make_person()
    case = supported_case(team, peer, close=False)
    purged = supported_case(team, other)
    retention_purge(now=NOW)
    facts = dict(peer_role="", peer_department="", peer_site="", minutes_to_assignment=None,
                 minutes_to_first_outreach=None)
    Case.objects.filter(pk__in=[case.pk, purged.pk]).update(**facts)
    assert report_facts_fill() == 1
    case.refresh_from_db()
    purged.refresh_from_db()
    assert (case.peer_role, case.peer_department) == ("resident", "ICU")
    assert case.minutes_to_assignment == 0 and case.minutes_to_first_outreach == 0  # one moment in supported_case
    assert (purged.peer_role, purged.minutes_to_assignment) == ("", None)
    assert report_facts_fill() == 0
