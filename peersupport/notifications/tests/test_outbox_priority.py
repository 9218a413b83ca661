"""Urgent mail first: an assignment or a safety concern never waits behind routine notices or bulk.

Against the real loopback SMTP server, with the real django-tasks worker (which takes the most
urgent task first) and the real sweeper (which sends in priority order and looks again between
batches, so urgent mail written during a long pass goes out in the next batch).
"""

import importlib
import math
from collections import Counter

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from peersupport.accounts.links import INVITE_KIND, RESET_KIND
from peersupport.cases.actions import OPEN_INVITATION
from peersupport.lib.subprocesses import SharedDatabase, child_env, start_manage
from peersupport.notifications.models import OutboxMessage, OutboxPriority, OutboxStatus
from peersupport.notifications.services import (
    SET_ASIDE_NOTICE,
    SWEEP_BATCH,
    TASK_PRIORITY,
    URGENT_KINDS,
    outbox_flush,
    priority_for_kind,
)
from peersupport.notifications.testing import DatabaseThreads
from peersupport.support.services import PERSONAL_LINK_KIND

from .conftest import enqueue_sample

pytestmark = pytest.mark.django_db(transaction=True)

ROUTINE = 80
BULK = 120
ASSIGNMENT_TO = "supporter@example.org"


def enqueue_backlog(routine: int = ROUTINE, bulk: int = BULK) -> None:
    """Routine notices and a campaign's bulk mail, interleaved, all written before the assignment."""
    with transaction.atomic():
        for n in range(max(routine, bulk)):
            if n < bulk:
                enqueue_sample(kind="campaign", to=f"staff{n}@example.org", priority=OutboxPriority.BULK)
            if n < routine:
                enqueue_sample(kind="step_reminder", to=f"reminded{n}@example.org")


def enqueue_assignment() -> OutboxMessage:
    with transaction.atomic():
        return enqueue_sample(kind="assignment", to=ASSIGNMENT_TO)


def recipients(smtp_server) -> list[str]:
    return [message["To"] for message in smtp_server.messages]


@pytest.mark.parametrize(
    ("kind", "priority"),
    [
        ("assignment", OutboxPriority.URGENT),
        ("safety_escalation", OutboxPriority.URGENT),
        (PERSONAL_LINK_KIND, OutboxPriority.URGENT),
        (RESET_KIND, OutboxPriority.URGENT),
        ("new_referral", OutboxPriority.NORMAL),
        ("handback", OutboxPriority.NORMAL),
        ("outreach", OutboxPriority.NORMAL),
        (OPEN_INVITATION, OutboxPriority.NORMAL),
        ("information_sheet", OutboxPriority.NORMAL),
        ("step_reminder", OutboxPriority.NORMAL),
        ("step_escalation", OutboxPriority.NORMAL),
        (INVITE_KIND, OutboxPriority.NORMAL),
        (SET_ASIDE_NOTICE, OutboxPriority.NORMAL),
        ("a kind nobody mapped", OutboxPriority.NORMAL),
    ],
)
def test_each_kind_of_email_gets_the_priority_of_how_soon_someone_needs_it(kind, priority):
    assert priority_for_kind(kind) == priority
    with transaction.atomic():
        message = enqueue_sample(kind=kind)
    assert OutboxMessage.objects.get(pk=message.pk).priority == priority
    task = DBTaskResult.objects.get()
    assert task.priority == TASK_PRIORITY[priority]


def test_a_caller_marks_mail_to_many_people_as_bulk_whatever_its_kind():
    with transaction.atomic():
        message = enqueue_sample(kind="new_referral", priority=OutboxPriority.BULK)
    assert OutboxMessage.objects.get(pk=message.pk).priority == OutboxPriority.BULK
    assert DBTaskResult.objects.get().priority < TASK_PRIORITY[OutboxPriority.NORMAL]


def test_the_worker_sends_an_assignment_queued_behind_hundreds_of_notices_and_bulk_mail_first(
    smtp_server, run_worker
):
    enqueue_backlog()
    enqueue_assignment()

    run_worker()

    sent = recipients(smtp_server)
    assert len(sent) == ROUTINE + BULK + 1
    assert sent[0] == ASSIGNMENT_TO
    # Then every routine notice before any bulk mail.
    assert all(address.startswith("reminded") for address in sent[1 : ROUTINE + 1])
    assert all(address.startswith("staff") for address in sent[ROUTINE + 1 :])


def test_the_sweeper_sends_urgent_then_routine_then_bulk_over_one_connection_per_batch(smtp_server):
    enqueue_backlog(routine=30, bulk=30)
    enqueue_assignment()
    DBTaskResult.objects.all().delete()  # the sweeper alone sends them, as when tasks were lost

    assert outbox_flush() == 61

    sent = recipients(smtp_server)
    assert sent[0] == ASSIGNMENT_TO
    assert all(address.startswith("reminded") for address in sent[1:31])
    assert all(address.startswith("staff") for address in sent[31:])
    # One SMTP session per batch, not one per message.
    assert len(set(smtp_server.sessions)) == math.ceil(61 / SWEEP_BATCH)


def test_an_assignment_written_during_a_long_sweep_goes_out_in_the_sweeps_next_batch(smtp_server, tmp_path):
    enqueue_backlog(routine=0, bulk=100)
    DBTaskResult.objects.all().delete()  # no worker: the sweeper alone must find it
    smtp_server.delay = 0.01  # a mail server that takes its time: the pass lasts about a second
    threads = DatabaseThreads(tmp_path)

    sweep = threads.start(outbox_flush)
    smtp_server.wait_until_started(5)
    threads.start(enqueue_assignment).result(timeout=10)
    assert sweep.result(timeout=60) == 101
    threads.collect()

    sent = recipients(smtp_server)
    # Written while the first batch was going out, it leads the second.
    assert ASSIGNMENT_TO in sent[: 2 * SWEEP_BATCH + 1]
    assert len(sent) == len(set(sent)) == 101
    assert OutboxMessage.objects.exclude(status=OutboxStatus.SENT).count() == 0


def test_a_retry_of_urgent_mail_keeps_its_place_at_the_front_of_the_worker_queue(smtp_server, run_worker):
    smtp_server.stop()
    assignment = enqueue_assignment()

    run_worker()  # the mail server is down: the attempt fails and a retry is scheduled

    assignment.refresh_from_db()
    assert (assignment.status, assignment.attempts) == (OutboxStatus.PENDING, 1)
    # The retry's task, due in 30 s, waiting with the urgent priority.
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert list(waiting.values_list("priority", flat=True)) == [TASK_PRIORITY[OutboxPriority.URGENT]]


def test_several_worker_processes_and_a_sweeper_at_once_send_each_email_once(smtp_server, tmp_path):
    enqueue_backlog(routine=40, bulk=80)
    enqueue_assignment()
    shared_db = SharedDatabase(tmp_path)
    shared_db.publish()
    env = child_env(
        shared_db.url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=smtp_server.host,
        EMAIL_PORT=str(smtp_server.port),
        EMAIL_USE_TLS="",
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    )
    worker = ("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", "--skip-checks",
              "-v", "0")
    processes = [start_manage(*worker, env=env), start_manage(*worker, env=env),
                 start_manage("send_outbox", "--skip-checks", "-v", "0", env=env)]
    for process in processes:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
    shared_db.collect()

    received = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert {message_id: n for message_id, n in received.items() if n > 1} == {}  # none twice
    assert set(received) == set(OutboxMessage.objects.values_list("message_id", flat=True))  # every one
    assert OutboxMessage.objects.exclude(status=OutboxStatus.SENT).count() == 0


def test_unsent_mail_of_an_urgent_kind_written_before_priorities_is_urgent_after_the_migration():
    migration = importlib.import_module("peersupport.notifications.migrations.0002_priority")
    before, after = [("notifications", "0001_initial")], [("notifications", "0002_priority")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps.get_model("notifications", "OutboxMessage")
        for n, (kind, status) in enumerate([("assignment", "pending"), ("password_link", "failed"),
                                            ("assignment", "sent"), ("step_reminder", "pending")]):
            old.objects.create(kind=kind, status=status, to="a@example.org", subject="s", body="b",
                               message_id=f"<{n}@example.org>")
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps.get_model("notifications", "OutboxMessage")
        assert sorted(new.objects.values_list("kind", "status", "priority")) == [
            ("assignment", "pending", OutboxPriority.URGENT),
            ("assignment", "sent", OutboxPriority.NORMAL),  # sent: its priority no longer matters
            ("password_link", "failed", OutboxPriority.URGENT),
            ("step_reminder", "pending", OutboxPriority.NORMAL),
        ]
        assert set(migration.URGENT_KINDS) <= URGENT_KINDS
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
