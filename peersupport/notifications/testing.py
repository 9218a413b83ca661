"""A real SMTP server on loopback for tests, which can go down and come back on the same port.

Tests talk to it through Django's own SMTP backend, so what they check is what a mail server
would really receive: headers, encoding and all.
"""

import socket
import threading
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def _free_port(host: str) -> int:
    # Asking the OS for port 0 and keeping the number lets us restart on the same port later,
    # which is how the tests simulate a mail server that goes down and comes back.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class _CollectingHandler:
    def __init__(self, server: "LoopbackSMTPServer") -> None:
        self._server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self._server._received(envelope.content)
        return "250 Message accepted for delivery"


class LoopbackSMTPServer:
    """aiosmtpd on 127.0.0.1; `messages` holds every email received, parsed."""

    def __init__(self, host: str = HOST, port: int | None = None) -> None:
        self.host = host
        self._port = port or _free_port(host)
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()
        self._controller: Controller | None = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        if self._controller is not None:
            return
        # A Controller closes its event loop when stopped, so each start needs a fresh one.
        controller = Controller(_CollectingHandler(self), hostname=self.host, port=self._port)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        # Safe to call twice: the fixture stops the server even if a test already did.
        if self._controller is None:
            return
        self._controller.stop()
        self._controller = None

    def wait_for(self, count: int, timeout: float = 5) -> list[EmailMessage]:
        """Block until at least `count` messages have arrived; fail the test after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} message(s) within {timeout}s, got {len(self.messages)}"
                    )
                self._arrived.wait(remaining)
            return list(self.messages)

    def _received(self, content: bytes) -> None:
        message = BytesParser(policy=policy.default).parsebytes(content)
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()


def run_worker_until_idle() -> None:
    """Run the real django-tasks database worker until its queue is empty."""
    import signal

    from django.core.management import call_command

    # The worker installs its own SIGINT/SIGTERM handlers; give the caller its own back.
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {sig: signal.getsignal(sig) for sig in signals}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
