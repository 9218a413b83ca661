"""Two sweepers working through a backlog against a slow mail server send each email once.

A sweep (`outbox_flush`) through a backlog on a slow mail server takes longer than the time after
which a claim counts as abandoned. Each claim must be stamped when it is made: stamped with the
sweep's start, the message a sweep is still sending looks abandoned to a second sweeper, which
sends it again.
"""

from collections import Counter

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.notifications.services import outbox_flush
from peersupport.notifications.testing import DatabaseThreads

from .conftest import enqueue_sample

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES = 8
# The mail server takes this long to accept each message, well under the reclaim time ...
SECONDS_PER_MESSAGE = 0.35
RECLAIM_SECONDS = 1.5
# ... and the second sweeper starts once this many messages have taken the first one longer
# than the reclaim time (5 × 0.35 s), while the first is in the middle of sending the next.
STARTED_BEFORE_SECOND_SWEEP = 6


def test_a_second_sweeper_never_resends_mail_the_first_is_still_sending_through_a_slow_backlog(
    smtp_server, settings, tmp_path
):
    settings.OUTBOX_RECLAIM_SECONDS = RECLAIM_SECONDS
    with transaction.atomic():
        backlog = [enqueue_sample(to=f"peer{n}@example.org") for n in range(MESSAGES)]
    DBTaskResult.objects.all().delete()  # the two sweepers alone send the backlog
    smtp_server.delay = SECONDS_PER_MESSAGE
    sweepers = DatabaseThreads(tmp_path)

    first = sweepers.start(outbox_flush)
    smtp_server.wait_until_started(STARTED_BEFORE_SECOND_SWEEP)
    second = sweepers.start(outbox_flush)
    sent = first.result(timeout=30) + second.result(timeout=30)
    sweepers.collect()

    received = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert {message_id: n for message_id, n in received.items() if n > 1} == {}  # none twice
    assert set(received) == {message.message_id for message in backlog}  # and every one once
    assert sent == MESSAGES
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == MESSAGES
