import signal
from collections.abc import Callable

import pytest
from django.core.management import call_command

from peersupport.notifications.models import OutboxMessage
from peersupport.notifications.services import outbox_enqueue

BODY = "Hello Alex,\n\nA colleague could use a call. The case: http://127.0.0.1:8000/cases/7/\n"


@pytest.fixture
def run_worker() -> Callable[[], None]:
    """Run the real django-tasks database worker until its queue is empty."""

    def run() -> None:
        # The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back.
        signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
        saved = {sig: signal.getsignal(sig) for sig in signals}
        try:
            call_command(
                "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0",
                verbosity=0,
            )
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)

    return run


def enqueue_sample(**fields: str) -> OutboxMessage:
    values = {
        "kind": "assignment",
        "to": "alex@example.org",
        "subject": "A colleague could use your support",
        "body": BODY,
    }
    values.update(fields)
    return outbox_enqueue(**values)
