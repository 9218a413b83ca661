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


SENDER = "+15550009999"


@pytest.fixture
def text_gateway():
    """A loopback HTTP server playing the SMS gateway, with the text settings pointed at it."""
    from django.test import override_settings

    from peersupport.notifications.testing import LoopbackTextGateway

    gateway = LoopbackTextGateway()
    gateway.start()
    with override_settings(
        SMS_GATEWAY_URL=gateway.url,
        SMS_GATEWAY_USERNAME=gateway.username,
        SMS_GATEWAY_PASSWORD=gateway.password,
        SMS_SENDER=SENDER,
        # Short, so a test of a gateway that does not answer takes a moment.
        SMS_GATEWAY_TIMEOUT=0.3,
    ):
        yield gateway
    gateway.stop()
