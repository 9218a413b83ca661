"""On PostgreSQL, every audited transaction takes the audit trail's lock before any row lock.

Appending to the hash chain takes one advisory lock (`peersupport.audit.chain`). A transaction
that locked a row first and then waited for that lock, while another holding the lock waited
for the row, would deadlock: PostgreSQL would abort one of them and the user would see an error.
`audited_atomic()` takes the chain's lock first. This test plays most of the program's services
through, each in its own real transaction, and watches every statement: a row lock (`FOR UPDATE`)
taken without the chain's lock, in a transaction that then appends to the trail, fails it.
A second test plays the interleaving that deadlocked before (PostgreSQL aborted one side with
"deadlock detected") between two real connections: the update goes on once PostgreSQL shows the
assignment waiting for a lock, not after a fixed pause.
"""

import dataclasses
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.accounts.services import user_add, user_deactivate
from peersupport.api.tests.helpers import refer
from peersupport.cases.actions import (
    EncounterInput,
    case_close,
    case_hand_back,
    case_record_encounter,
    case_record_outreach,
    case_record_response,
)
from peersupport.cases.models import Case
from peersupport.cases.retention import case_set_legal_hold, retention_purge
from peersupport.cases.services import case_assign
from peersupport.cases.timeliness import send_due_notices
from peersupport.notifications.services import outbox_retry_set_aside
from peersupport.program.models import ProgramSettings
from peersupport.program.services import ProgramSettingsInput, program_settings_update
from peersupport.resources.services import ResourceInput, resource_create, resource_deactivate
from peersupport.roster.services import PersonInput, SupporterInput, person_upsert, supporter_upsert
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = [
    pytest.mark.postgres(reason="SQLite serialises whole transactions"),
    pytest.mark.django_db(transaction=True),
]

HOLDS_CHAIN_LOCK = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = pg_backend_pid())"
)


class LockOrderWatch:
    """An execute wrapper noting, per transaction, a row lock taken before the chain's lock."""

    def __init__(self) -> None:
        self.row_lock_first: dict[int, str] = {}  # transaction id -> the statement that locked
        self.violations: list[str] = []
        self.row_locks_seen = 0

    def _ask(self, sql: str):
        # The raw connection's cursor: these questions are not watched themselves.
        with connection.connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def __call__(self, execute, sql, params, many, context):
        if connection.in_atomic_block:
            if "FOR UPDATE" in sql:
                self.row_locks_seen += 1
                if not self._ask(HOLDS_CHAIN_LOCK):
                    self.row_lock_first.setdefault(self._ask("SELECT pg_current_xact_id()::text::bigint"), sql)
            elif "audit_chain_head" in sql:
                locked = self.row_lock_first.get(self._ask("SELECT pg_current_xact_id()::text::bigint"))
                if locked:
                    self.violations.append(locked[:160])
        return execute(sql, params, many, context)


def play_the_program_through() -> None:
    director = make_user(Role.DIRECTOR, person=make_person(name="Dora Director"))
    referrer = make_user(Role.REFERRER)
    supporter = make_supporter(make_person(name="Alex Supporter", department="Surgery"), capacity=10)
    make_user(Role.SUPPORTER, person=supporter.person)
    spare = make_supporter(make_person(name="Blair Supporter", department="Pediatrics"), capacity=10)
    make_user(Role.SUPPORTER, person=spare.person)
    me = supporter.person.user

    person_upsert(actor=director, employee_id="N1", data=PersonInput(name="Robin New"))
    supporter_upsert(actor=director, employee_id="N1", data=SupporterInput(
        status="active", capacity=2, trained_on=timezone.localdate()))
    program = ProgramSettings.current()
    program_settings_update(actor=director, data=ProgramSettingsInput(**{
        field.name: getattr(program, field.name) for field in dataclasses.fields(ProgramSettingsInput)
    }))
    resource = resource_create(actor=director, data=ResourceInput(name="Chaplaincy", category="other"))
    resource_deactivate(actor=director, resource_id=resource.pk)
    user_add(email="temp@example.org", role=Role.REFERRER)
    user_deactivate(email="temp@example.org", actor=director)

    first, second, third = refer(referrer, make_person(), make_person(), make_person()).cases.order_by("pk")
    for case in (first, second, third):
        case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter.person.employee_id,
                    override_reason="availability")
    case_record_outreach(actor=me, case_id=first.pk, channel="call")
    case_record_response(actor=me, case_id=first.pk, response="accepted")
    case_record_encounter(actor=me, case_id=first.pk, data=EncounterInput(
        held_on=timezone.localdate(), minutes=30, mode="in_person"))
    case_close(actor=me, case_id=first.pk)
    case_hand_back(actor=me, case_id=second.pk, reason="conflict_of_interest")
    case_set_legal_hold(actor=director, case_id=third.pk, hold=True)
    case_set_legal_hold(actor=director, case_id=third.pk, hold=False)

    later = timezone.now() + timedelta(days=30)
    send_due_notices(now=later)
    Case.objects.filter(pk=first.pk).update(closed_at=timezone.now() - timedelta(days=program.retention_days + 1))
    retention_purge()
    outbox_retry_set_aside(actor=director)


def test_every_audited_transaction_takes_the_chain_lock_before_any_row_lock():
    watch = LockOrderWatch()
    with connection.execute_wrapper(watch):
        play_the_program_through()
    assert watch.row_locks_seen >= 10, "the scenario no longer locks rows: it proves nothing"
    assert watch.violations == []


def waiting_for_a_lock(pid: int) -> bool:
    """Whether the backend `pid` is waiting for a lock another transaction holds (pg_locks is read
    live, unlike pg_stat_activity, which keeps one snapshot per transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return bool(cursor.fetchone()[0])


def wait_until_blocked(pid: int, timeout: float = 10) -> bool:
    """Poll until PostgreSQL shows the backend `pid` waiting for a lock; False after `timeout`."""
    deadline = time.monotonic() + timeout
    while not waiting_for_a_lock(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_updating_a_supporter_while_a_director_assigns_them_does_not_deadlock(monkeypatch):
    """The interleaving that deadlocked before the chain's lock came first: the supporter's row
    is locked by the update, the director's assignment audits its read of the case and then asks
    for that row, and the update then audits."""
    import threading

    from django.db import connections

    from peersupport.roster import services as roster_services
    from peersupport.roster.models import Supporter

    director = make_user(Role.DIRECTOR)
    supporter = make_supporter(make_person(department="Surgery"), capacity=5)
    case = refer(make_user(Role.REFERRER), make_person(department="Emergency")).cases.get()
    row_locked = threading.Event()
    assigner: dict[str, int] = {}
    assigner_connected = threading.Event()
    real_audit = roster_services.audit_record
    outcomes: dict[str, object] = {}

    def audit_once_the_assignment_waits(**kwargs):
        row_locked.set()  # the supporter's row is locked by now
        # The update goes on only once the assignment is stuck behind a lock this transaction
        # holds (the chain's lock; before the fix, the supporter's row).
        outcomes["assignment blocked"] = wait_until_blocked(assigner["pid"])
        return real_audit(**kwargs)

    monkeypatch.setattr(roster_services, "audit_record", audit_once_the_assignment_waits)

    def update():
        try:
            outcomes["update"] = supporter_upsert(actor=director, employee_id=supporter.person.employee_id,
                                                  data=SupporterInput(status="active", capacity=6,
                                                                      trained_on=timezone.localdate()))
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes["update"] = error
        finally:
            connections.close_all()

    def assign():
        with connection.cursor() as cursor:  # this thread's own connection, the one that will wait
            cursor.execute("SELECT pg_backend_pid()")
            assigner["pid"] = cursor.fetchone()[0]
        assigner_connected.set()
        row_locked.wait(10)
        try:
            outcomes["assign"] = case_assign(actor=director, case_id=case.pk, override_reason="availability",
                                             supporter_employee_id=supporter.person.employee_id)
        except Exception as error:  # noqa: BLE001
            outcomes["assign"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign), threading.Thread(target=update)]
    threads[0].start()
    assert assigner_connected.wait(10)
    threads[1].start()
    for thread in threads:
        thread.join(30)
    assert outcomes["assignment blocked"], "the assignment never waited for the update: the test proves nothing"
    assert not isinstance(outcomes["update"], Exception), outcomes["update"]
    assert not isinstance(outcomes["assign"], Exception), outcomes["assign"]
    assert Supporter.objects.get(pk=supporter.pk).capacity == 6
    assert Case.objects.get(pk=case.pk).supporter_id == supporter.pk
