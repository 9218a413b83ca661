"""Mail priority under load: an assignment email written behind 10,000 queued bulk emails.

The processes are the Procfile's own, for real: `db_worker` and `send_outbox --loop` as child
processes, sending to a loopback SMTP server (aiosmtpd) in this process. Once they are busy with
the backlog, an assignment is written to the outbox; a row's figure is the time from its commit
to its arrival at the mail server. The second row has the sweeper alone, the delivery tasks lost.
The database is this run's scratch copy of the generated health system (bench/run.py).
"""

from __future__ import annotations

import logging
import subprocess
import time
from collections import Counter
from collections.abc import Callable

BULK = 10_000
BUDGET_MS = 5_000.0
# The workers have been sending the backlog for a while when the assignment is written.
SENT_BEFORE_ASSIGNMENT = 300
ASSIGNMENT_TO = "supporter@health.example"
ENQUEUE_CHUNK = 1_000


def _database_url() -> str:
    from django.db import connection

    from peersupport.lib.subprocesses import postgres_url

    if connection.vendor == "postgresql":
        return postgres_url(connection.settings_dict)
    return f"sqlite:///{connection.settings_dict['NAME']}"


# The Procfile's `worker` and `outbox` processes.
WORKER = ("db_worker", "--no-reload", "-v", "0")
SWEEPER = ("send_outbox", "--loop", "60", "-v", "0")


def _start_workers(port: int, commands: tuple[tuple[str, ...], ...]) -> list[subprocess.Popen[str]]:
    """The given Procfile processes, mailing the loopback server."""
    from peersupport.lib.subprocesses import child_env, start_manage

    env = child_env(
        _database_url(),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_USE_TLS="",
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    )
    return [start_manage(*command, env=env) for command in commands]


def _enqueue_bulk() -> None:
    from django.db import transaction

    from peersupport.notifications.models import OutboxPriority
    from peersupport.notifications.services import outbox_enqueue

    for start in range(0, BULK, ENQUEUE_CHUNK):
        with transaction.atomic():
            for n in range(start, min(start + ENQUEUE_CHUNK, BULK)):
                outbox_enqueue(kind="campaign", to=f"staff{n}@health.example", priority=OutboxPriority.BULK,
                               subject="News from the peer support program",
                               body="Hello,\n\nThe program's yearly update is on the intranet.\n")


def _wait_for(done: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"mail benchmark: timed out after {timeout} s")
        time.sleep(0.002)


def mail_benchmarks() -> list:
    from bench.run import Result

    # aiosmtpd logs every SMTP command at INFO: 10,000 sessions' worth would drown the table.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    both_ms, both_note = _assignment_behind_bulk((WORKER, SWEEPER), tasks_lost=False)
    sweeper_ms, sweeper_note = _assignment_behind_bulk((SWEEPER,), tasks_lost=True)
    return [
        Result(f"assignment email after {BULK:,} queued bulk emails", both_ms, BUDGET_MS,
               note=f"{both_note}; db_worker + send_outbox"),
        Result("the same, their tasks lost (sweeper alone)", sweeper_ms, BUDGET_MS,
               note=f"{sweeper_note}; send_outbox alone"),
    ]


def _assignment_behind_bulk(commands: tuple[tuple[str, ...], ...], *, tasks_lost: bool) -> tuple[float, str]:
    """Milliseconds from the assignment's commit to its arrival, and a note on what it overtook."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from peersupport.notifications.models import OutboxMessage
    from peersupport.notifications.services import outbox_enqueue
    from peersupport.notifications.testing import LoopbackSMTPServer

    OutboxMessage.objects.all().delete()
    DBTaskResult.objects.all().delete()
    _enqueue_bulk()
    if tasks_lost:
        DBTaskResult.objects.all().delete()

    server = LoopbackSMTPServer()
    server.start()
    workers = _start_workers(server.port, commands)
    try:
        _wait_for(lambda: len(server.messages) >= SENT_BEFORE_ASSIGNMENT, timeout=120)
        with transaction.atomic():
            outbox_enqueue(kind="assignment", to=ASSIGNMENT_TO, subject="A colleague could use your support",
                           body="Hello,\n\nA colleague could use a call.\n")
        committed = time.perf_counter()
        sent_before = len(server.messages)
        seen = sent_before

        def arrived() -> bool:
            nonlocal seen
            fresh = server.messages[seen:]
            seen += len(fresh)
            return any(message["To"] == ASSIGNMENT_TO for message in fresh)

        _wait_for(arrived, timeout=60)
        waited_ms = (time.perf_counter() - committed) * 1000
        received = list(server.messages)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(10)
            except subprocess.TimeoutExpired:
                worker.kill()
        server.stop()

    twice = sum(1 for n in Counter(message["Message-ID"] for message in received).values() if n > 1)
    if twice:
        raise AssertionError(f"mail benchmark: {twice} email(s) sent twice")
    ahead = next(i for i, message in enumerate(received) if message["To"] == ASSIGNMENT_TO) - sent_before
    OutboxMessage.objects.all().delete()
    DBTaskResult.objects.all().delete()
    return waited_ms, f"{BULK - sent_before:,} bulk still queued, {ahead} sent before it, none twice"
