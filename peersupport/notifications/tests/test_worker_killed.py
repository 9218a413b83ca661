"""A worker killed mid-send, for real: `db_worker` in a child process, SIGKILLed while the loopback
mail server holds its SMTP session at a chosen moment, then `send_outbox` as the restarted worker.

Killed before the server accepted the message, it is delivered exactly once after the restart.
Killed after the server accepted it but before the outbox recorded that, it is delivered twice,
both times with the same Message-ID, so mail clients fold the two into one.
"""

import signal
from datetime import timedelta

import pytest
from django.db import transaction

from peersupport.lib.subprocesses import SharedDatabase, child_env, manage, start_manage
from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.notifications.testing import wait_until_worker_idle

from .conftest import BODY, enqueue_sample

pytestmark = pytest.mark.django_db(transaction=True)

# The restarted worker takes over a dead worker's claim after this long.
RECLAIM_SECONDS = 1
WORKER = ("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1", "--skip-checks", "-v", "0")
SWEEP = ("send_outbox", "--skip-checks", "-v", "0")


@pytest.fixture
def shared_db(tmp_path):
    return SharedDatabase(tmp_path)


def worker_env(shared_db, smtp_server, reclaim_seconds: int) -> dict[str, str]:
    return child_env(
        shared_db.url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=smtp_server.host,
        EMAIL_PORT=str(smtp_server.port),
        EMAIL_USE_TLS="",
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT="10",
        OUTBOX_RECLAIM_SECONDS=str(reclaim_seconds),
    )


def kill_worker_held_at(stage, shared_db, smtp_server):
    """Start the real worker, let it reach `stage` of its SMTP session, and SIGKILL it there."""
    smtp_server.hold(stage)
    shared_db.publish()
    worker = start_manage(*WORKER, env=worker_env(shared_db, smtp_server, reclaim_seconds=600))
    try:
        smtp_server.wait_until_held(stage, timeout=30)
    except AssertionError:
        worker.kill()
        _, errors = worker.communicate()
        raise AssertionError(f"the worker never reached {stage}:\n{errors}") from None
    worker.send_signal(signal.SIGKILL)
    assert worker.wait(10) == -signal.SIGKILL
    worker.communicate()


def restart_after_reclaim(message, shared_db, smtp_server) -> None:
    """Sweep as a restarted worker would, once the dead worker's claim has expired."""
    shared_db.collect()
    message.refresh_from_db()
    # Nothing is lost: the dead worker's claim is still on the row.
    assert message.status == OutboxStatus.SENDING
    # The claim grows older than the restarted worker's reclaim time: moved back, not waited out.
    OutboxMessage.objects.filter(pk=message.pk).update(
        claimed_at=message.claimed_at - timedelta(seconds=RECLAIM_SECONDS + 1))
    shared_db.publish()
    manage(*SWEEP, env=worker_env(shared_db, smtp_server, reclaim_seconds=RECLAIM_SECONDS))
    shared_db.collect()
    message.refresh_from_db()


def test_worker_killed_before_the_server_accepted_loses_nothing_and_sends_once(smtp_server, shared_db):
    with transaction.atomic():
        message = enqueue_sample()

    kill_worker_held_at("DATA", shared_db, smtp_server)
    smtp_server.wait_for_abort()  # the server saw its client go before it answered
    smtp_server.release("DATA")
    assert smtp_server.messages == []

    # A sweep while the claim is fresh leaves the row alone: its worker may be alive and slow.
    shared_db.collect()
    shared_db.publish()
    manage(*SWEEP, env=worker_env(shared_db, smtp_server, reclaim_seconds=600))
    assert smtp_server.messages == []

    restart_after_reclaim(message, shared_db, smtp_server)

    [received] = smtp_server.wait_for(1)
    assert received["Message-ID"] == message.message_id
    assert received.get_content().replace("\r\n", "\n") == BODY
    assert message.status == OutboxStatus.SENT
    wait_until_worker_idle()  # whatever was still to be sent has been sent by now
    assert len(smtp_server.messages) == 1


def test_worker_killed_after_the_server_accepted_sends_again_with_the_same_message_id(
    smtp_server, shared_db
):
    with transaction.atomic():
        message = enqueue_sample()

    kill_worker_held_at("QUIT", shared_db, smtp_server)
    smtp_server.release("QUIT")
    [first] = smtp_server.wait_for(1)  # accepted before the kill

    restart_after_reclaim(message, shared_db, smtp_server)

    first, second = smtp_server.wait_for(2)
    assert first["Message-ID"] == second["Message-ID"] == message.message_id
    assert first.get_content() == second.get_content()
    assert message.status == OutboxStatus.SENT
    assert OutboxMessage.objects.count() == 1
