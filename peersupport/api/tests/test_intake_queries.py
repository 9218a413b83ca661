"""POST /referrals costs the same number of queries for one clinician as for ten."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditEntry
from peersupport.notifications.models import OutboxMessage
from peersupport.program.models import ProgramSettings
from peersupport.testing.factories import make_person, make_user

# The token (with its user and person), the program's settings (read once), every program's served
# roles (read once for the involved people and once for the sentence's names), the involved people,
# the roster names the sentence might contain, the referral, every involved peer's open and
# closed cases (one query), the new cases, one audit insert (the referral's entry and one per
# case), the directors, and for them all one insert of outbox rows (one each) and one delivery
# task, written in the same transaction (no commit of their own).
# Not counted: the transaction's own statements, and on PostgreSQL the one statement that takes
# the involved clinicians' own locks (SQLite needs none). Writing to the audit trail is only its
# two inserts: the trail is chained later, by the sealing step.
INTAKE_QUERIES = 13
NOT_COUNTED = re.compile(r"^(SAVEPOINT|RELEASE SAVEPOINT|BEGIN|COMMIT|SELECT pg_advisory_xact_lock)")


def _referral(ids: list[str]) -> dict[str, object]:
    return {
        "event": {"category": "medical_error", "occurred_on": "2026-11-20",
                  # "Ward Seven" is a capitalized run: the roster-name check runs its query.
                  "summary": "Unexpected airway complication on Ward Seven during a procedure.",
                  "interventional": True, "external_ref": "SR-2291"},
        "involved": [{"employee_id": e} for e in ids],
        "source": "safety_report",
    }


@pytest.mark.parametrize("clinicians", [1, 10])
def test_referral_intake_takes_the_same_fixed_number_of_queries_for_one_or_ten_clinicians(
    call, referrer, director, clinicians
):
    make_user(role=Role.DIRECTOR)
    ProgramSettings.current()
    ids = [f"E{5000 + i}" for i in range(clinicians)]
    for employee_id in ids:
        make_person(employee_id=employee_id)
    call(referrer, "GET", "/resources")  # the token's last use is recorded (at most once a minute)
    with CaptureQueriesContext(connection) as captured:
        response = call(referrer, "POST", "/referrals", _referral(ids))
    assert response.status_code == 201, response.content
    counted = [q["sql"] for q in captured.captured_queries if not NOT_COUNTED.match(q["sql"])]
    assert len(counted) == INTAKE_QUERIES, "\n".join(sql[:160] for sql in counted)
    # Nothing was dropped to get there: every case, every audit entry, every director's email.
    assert AuditEntry.objects.filter(action="referral.create").count() == 1
    assert AuditEntry.objects.filter(action="case.create").count() == clinicians
    assert OutboxMessage.objects.filter(kind="new_referral").count() == 2
