"""On PostgreSQL, nothing in a request path waits on a global lock, and audited transactions
cannot deadlock.

Writing an audit entry is a plain INSERT; the sealing step chains entries later
(`peersupport.audit.chain`). The first test plays most of the program's services through, each
in its own real transaction, and watches every statement: no transaction that writes to the
trail holds an advisory lock other than the per-clinician locks of intake. The second holds a
transaction that has appended a plan's worth of audit entries open and shows that a case read,
with its own audit entry, commits meanwhile (before, it waited for the whole plan). The third
plays, between two real connections, the interleaving that deadlocked when the chain took a lock
after row locks (a supporter's update against an assignment to them): both succeed.
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
from peersupport.program.models import Program, ProgramSettings
from peersupport.program.services import ProgramSettingsInput, program_settings_update
from peersupport.referrals.services import INTAKE_LOCK_SPACE
from peersupport.resources.services import ResourceInput, resource_create, resource_deactivate
from peersupport.roster.services import PersonInput, SupporterInput, person_upsert, supporter_upsert
from peersupport.testing.factories import make_person, make_supporter, make_user
from peersupport.training.models import Course, CourseKind, Session
from peersupport.training.services import attendance_record

pytestmark = [
    pytest.mark.postgres(reason="SQLite serialises whole transactions"),
    pytest.mark.django_db(transaction=True),
]

# The advisory locks this backend holds, but the per-clinician ones of intake (first key "peer"):
# a global lock would show here.
GLOBAL_ADVISORY_LOCKS = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()"
    f" AND NOT (objsubid = 2 AND classid = {INTAKE_LOCK_SPACE})"
)


class AdvisoryLockWatch:
    """An execute wrapper noting each audit entry written while an advisory lock is held."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.audit_writes = 0

    def _ask(self, sql: str):
        # The raw connection's cursor: these questions are not watched themselves.
        with connection.connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('INSERT INTO "audit_auditentry"'):
            self.audit_writes += 1
            if self._ask(GLOBAL_ADVISORY_LOCKS):
                self.violations.append(sql[:160])
        return result


def play_the_program_through() -> None:
    director = make_user(Role.DIRECTOR, person=make_person(name="Dora Director"))
    referrer = make_user(Role.REFERRER)
    supporter = make_supporter(make_person(name="Alex Supporter", department="Surgery"), capacity=10)
    make_user(Role.SUPPORTER, person=supporter.person)
    spare = make_supporter(make_person(name="Blair Supporter", department="Pediatrics"), capacity=10)
    make_user(Role.SUPPORTER, person=spare.person)
    me = supporter.person.user

    person_upsert(actor=director, employee_id="N1", data=PersonInput(name="Robin New"))
    # A supporter becomes active once their initial training is recorded.
    course = Course.objects.create(program=Program.default(), name="Supporter basics", kind=CourseKind.INITIAL)
    session = Session.objects.create(course=course, starts_at=timezone.now() - timedelta(days=1), place="Room 1")
    attendance_record(actor=director, session=session, employee_ids=["N1"])
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


def test_no_audited_transaction_holds_a_global_lock():
    watch = AdvisoryLockWatch()
    with connection.execute_wrapper(watch):
        play_the_program_through()
    assert watch.audit_writes >= 20, "the scenario no longer writes to the trail: it proves nothing"
    assert watch.violations == []


def test_a_case_read_commits_while_a_plan_sized_transaction_holds_its_audit_entries():
    """A 200-case plan writes its audit entries in one long transaction; a director's case read
    meanwhile writes its own entry and commits without waiting for it."""
    import threading

    from django.db import connections, transaction

    from peersupport.audit.services import audit_record_many
    from peersupport.cases.access import case_for_user

    director = make_user(Role.DIRECTOR)
    case = refer(make_user(Role.REFERRER), make_person()).cases.get()
    plan_has_written = threading.Event()
    read_done = threading.Event()
    outcomes: dict[str, object] = {}

    def apply_plan():
        try:
            with transaction.atomic():
                audit_record_many(actor=director, action="case.assign", object_type="case",
                                  object_ids=list(range(10_000, 10_200)))
                plan_has_written.set()
                # Held open until the read has committed, or for 10 s if it cannot.
                outcomes["read finished while the plan was open"] = read_done.wait(10)
        finally:
            connections.close_all()

    def read_case():
        plan_has_written.wait(10)
        try:
            with transaction.atomic():
                outcomes["read"] = case_for_user(director, case.pk)  # audited as case.view
            read_done.set()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes["read"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=apply_plan), threading.Thread(target=read_case)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert plan_has_written.is_set()
    assert outcomes["read finished while the plan was open"] is True
    assert not isinstance(outcomes["read"], Exception), outcomes["read"]


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
    """The interleaving that deadlocked when the chain took its lock after row locks: the
    supporter's row is locked by the update, the director's assignment audits its read of the
    case and then asks for that row, and the update then audits."""
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
        # The update goes on only once the assignment is stuck behind the supporter's row, which
        # this transaction holds; its audit entry then must not wait for the assignment's.
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
