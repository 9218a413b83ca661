"""A message the mail server keeps refusing is retried after 30 s, 1, 2, 4, 8 … minutes, up to
an hour between attempts: through the real worker, its deferred tasks and a loopback SMTP server
that is down, with the clock moved to each retry."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from peersupport.notifications.models import OutboxStatus
from peersupport.notifications.services import outbox_flush

from .conftest import enqueue_sample

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 10  # enough to reach the one-hour cap twice (30 s · 2⁷ > 1 hour)


def test_a_refused_message_is_retried_after_30_60_120_240_seconds_doubling_up_to_an_hour(
    smtp_server, run_worker, settings, time_machine
):
    settings.OUTBOX_MAX_ATTEMPTS = ATTEMPTS
    time_machine.move_to(timezone.now(), tick=False)
    with transaction.atomic():
        message = enqueue_sample()
    smtp_server.stop()  # connection refused, every time

    run_worker()  # the first attempt, queued when the message was written
    delays = []
    for attempt in range(2, ATTEMPTS + 2):
        message.refresh_from_db()
        assert message.attempts == attempt - 1
        assert message.claimed_at == timezone.now()  # the last attempt's claim, made just now
        if message.status != OutboxStatus.PENDING:
            break
        delays.append(message.next_attempt_at - message.claimed_at)
        # The retry is queued as a task deferred to exactly then, and nothing is tried before.
        assert DBTaskResult.objects.filter(run_after=message.next_attempt_at).count() == 1
        time_machine.move_to(message.next_attempt_at - timedelta(seconds=1), tick=False)
        assert outbox_flush() == 0
        run_worker()
        message.refresh_from_db()
        assert message.attempts == attempt - 1, "retried before its time"

        time_machine.move_to(message.next_attempt_at, tick=False)
        run_worker()  # the deferred retry

    assert [delay.total_seconds() for delay in delays] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert message.status == OutboxStatus.FAILED  # set aside after the last attempt
    assert smtp_server.messages == []
