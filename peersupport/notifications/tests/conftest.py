from collections.abc import Callable

import pytest

from peersupport.notifications.models import OutboxMessage
from peersupport.notifications.services import outbox_enqueue
from peersupport.notifications.testing import run_worker_until_idle

BODY = "Hello Alex,\n\nA colleague could use a call. The case: http://127.0.0.1:8000/cases/7/\n"


@pytest.fixture
def run_worker() -> Callable[[], None]:
    """Run the real django-tasks database worker until its queue is empty."""
    return run_worker_until_idle


def enqueue_sample(**fields: str) -> OutboxMessage:
    values = {
        "kind": "assignment",
        "to": "alex@example.org",
        "subject": "A colleague could use your support",
        "body": BODY,
    }
    values.update(fields)
    return outbox_enqueue(**values)
