"""A real SMTP server on loopback for tests, which can go down and come back on the same port,
and a text gateway: an HTTP server on loopback that plays an SMS gateway's API.

Tests talk to them through Django's own SMTP backend and the outbox's own text channel, so what
they check is what a mail server or a gateway would really receive: headers, encoding and all.
"""

import asyncio
import base64
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
T = TypeVar("T")


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
        self._server._started()
        try:
            # Held here, the message has arrived but the server has not taken it: a client that
            # dies now gets no answer, and the message is not delivered.
            await self._server._pass("DATA")
            if self._server.delay:
                # A slow mail server: each message takes this long to be accepted.
                await asyncio.sleep(self._server.delay)
        except asyncio.CancelledError:
            # aiosmtpd cancels the handler when the client's connection is lost.
            self._server._aborted()
            raise
        self._server._received(envelope.content, session.peer)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        # Held here, the message was accepted (250) but the client has not seen its session end,
        # so it cannot yet have recorded the delivery.
        await self._server._pass("QUIT")
        return "221 Bye"


class LoopbackSMTPServer:
    """aiosmtpd on 127.0.0.1; `messages` holds every email received, parsed."""

    def __init__(self, host: str = HOST, port: int | None = None, delay: float = 0) -> None:
        self.host = host
        self._port = port or _free_port(host)
        # Seconds the server takes to accept each message once it has arrived (0: at once).
        self.delay = delay
        self.messages: list[EmailMessage] = []
        # The client's address and port for each message received: one per SMTP connection.
        self.sessions: list[tuple[str, int]] = []
        # DATA transactions begun: messages that have arrived, accepted yet or not.
        self.started = 0
        # DATA transactions whose client went away before the server answered them.
        self.aborted = 0
        self._arrived = threading.Condition()
        self._controller: Controller | None = None
        # Stage ("DATA" or "QUIT") -> (reached, released): see `hold`.
        self._holds: dict[str, tuple[threading.Event, threading.Event]] = {}

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

    def wait_until_started(self, count: int, timeout: float = 10) -> None:
        """Block until the `count`-th message has arrived (it may not be accepted yet)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while self.started < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} message(s) to arrive, got {self.started}")
                self._arrived.wait(remaining)

    def hold(self, stage: str) -> None:
        """Make the next clients wait at `stage` until `release(stage)`.

        "DATA": the message has been transmitted but not yet accepted (no 250 reply).
        "QUIT": the message has been accepted, and the client waits for its QUIT to be answered.
        """
        if stage not in {"DATA", "QUIT"}:
            raise ValueError(f"cannot hold at {stage!r}")
        self._holds[stage] = (threading.Event(), threading.Event())

    def wait_until_held(self, stage: str, timeout: float = 10) -> None:
        """Block until a client is waiting at `stage`; fail the test after `timeout`."""
        if not self._holds[stage][0].wait(timeout):
            raise AssertionError(f"no client reached {stage} within {timeout}s")

    def release(self, stage: str) -> None:
        hold = self._holds.pop(stage, None)
        if hold is not None:
            hold[1].set()

    def wait_for_abort(self, count: int = 1, timeout: float = 5) -> None:
        """Block until `count` DATA transactions were abandoned by their client."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while self.aborted < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} abandoned transaction(s), got {self.aborted}")
                self._arrived.wait(remaining)

    async def _pass(self, stage: str) -> None:
        hold = self._holds.get(stage)
        if hold is None:
            return
        reached, released = hold
        reached.set()
        # Polled, not awaited in a thread: the wait must end at once when aiosmtpd cancels the
        # handler (client gone) or the server stops.
        while not released.is_set():
            await asyncio.sleep(0.01)

    def _started(self) -> None:
        with self._arrived:
            self.started += 1
            self._arrived.notify_all()

    def _aborted(self) -> None:
        with self._arrived:
            self.aborted += 1
            self._arrived.notify_all()

    def _received(self, content: bytes, peer: tuple[str, int]) -> None:
        message = BytesParser(policy=policy.default).parsebytes(content)
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self.messages.append(message)
            self.sessions.append((peer[0], peer[1]))
            self._arrived.notify_all()


class SilentMailServer:
    """Takes TCP connections on a port and never says a word: a mail server that hangs.

    A client that talks to it waits for the server's greeting until EMAIL_TIMEOUT, so a request
    that touched the mail server would take that long; `connections` says whether any did.
    """

    def __init__(self, host: str = HOST, port: int | None = None) -> None:
        self.host = host
        self.port = port or _free_port(host)
        self.connections = 0
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen()
        listener.settimeout(0.05)
        self._listener = listener
        self._stopping.clear()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        for sock in [*self._sockets, self._listener]:
            if sock is not None:
                sock.close()
        self._sockets.clear()
        self._listener = None

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._sockets.append(sock)


@dataclass
class GatewayRequest:
    """One request the loopback gateway received, and the answer it gave (or began to give)."""

    method: str
    path: str
    headers: dict[str, str]
    raw_body: bytes
    # The form fields, one value each (a field sent twice keeps its values joined by a newline).
    form: dict[str, str]
    # The user name and password of its HTTP Basic credentials, or None without them.
    credentials: tuple[str, str] | None
    status: int = 0
    # Seconds the answer was held back (longer than the client waits: a timeout).
    delay: float = 0


@dataclass
class GatewayAnswer:
    status: int = 201
    delay: float = 0


@dataclass
class _Script:
    answers: list[GatewayAnswer] = field(default_factory=list)


class LoopbackTextGateway:
    """An SMS gateway's HTTP API on 127.0.0.1, in Twilio's shape: `POST` form fields `To`, `From`
    and `Body` with HTTP Basic credentials; it answers 201 with a JSON body.

    `requests` holds every request received. `answer(...)` scripts the next answers in order (a
    status, or `GatewayAnswer(status, delay)` held back `delay` seconds: longer than the client's
    timeout, a timeout); once the script is used up, each answer is 201. Wrong credentials get 401
    whatever the script says. `hold()` keeps the next requests waiting, unanswered, until
    `release()`. It can stop and start again on the same port (a gateway that is down).
    """

    def __init__(self, host: str = HOST, *, username: str = "AC0123",
                 password: str = "gateway-secret") -> None:  # noqa: S107 - the test gateway's own
        self.host = host
        self.port = _free_port(host)
        self.username = username
        self.password = password
        self.path = f"/2010-04-01/Accounts/{username}/Messages.json"
        self.requests: list[GatewayRequest] = []
        self._script = _Script()
        self._arrived = threading.Condition()
        self._stopping = threading.Event()
        self._held: threading.Event | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.path}"

    @property
    def accepted(self) -> list[GatewayRequest]:
        """The requests answered 2xx in time: the texts the gateway took and would send."""
        return [r for r in self.requests if 200 <= r.status < 300 and not r.delay]

    def answer(self, *answers: "int | GatewayAnswer") -> None:
        self._script.answers.extend(a if isinstance(a, GatewayAnswer) else GatewayAnswer(a) for a in answers)

    def hold(self) -> None:
        self._held = threading.Event()

    def release(self) -> None:
        if self._held is not None:
            self._held.set()
            self._held = None

    def wait_for(self, count: int, timeout: float = 5) -> list[GatewayRequest]:
        """Block until `count` requests have arrived; fail the test after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} request(s) within {timeout}s, got {len(self.requests)}")
                self._arrived.wait(remaining)
            return list(self.requests)

    def start(self) -> None:
        if self._server is not None:
            return
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                gateway._handle(self)

            def do_GET(self) -> None:  # noqa: N802
                gateway._handle(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
                pass  # quiet: the tests read `requests`

        self._stopping.clear()
        server = ThreadingHTTPServer((self.host, self.port), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # ends any answer held back
        self.release()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = None
        self._thread = None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        fields = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        request = GatewayRequest(
            method=handler.command, path=handler.path, headers=dict(handler.headers.items()), raw_body=raw,
            form={name: "\n".join(values) for name, values in fields.items()},
            credentials=_basic_credentials(handler.headers.get("Authorization", "")),
        )
        with self._arrived:
            answer = self._script.answers.pop(0) if self._script.answers else GatewayAnswer()
            if request.credentials != (self.username, self.password):
                answer = GatewayAnswer(401)
            request.status, request.delay = answer.status, answer.delay
            self.requests.append(request)
            self._arrived.notify_all()
        held = self._held
        if held is not None:
            held.wait(10)
        if answer.delay:
            self._stopping.wait(answer.delay)
        payload = b'{"sid": "SM0001", "status": "queued"}' if answer.status < 300 else b'{"message": "refused"}'
        try:
            handler.send_response(answer.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            if 300 <= answer.status < 400:
                handler.send_header("Location", "/elsewhere")
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the client gave up waiting (a timeout): nothing to answer


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(value).decode("utf-8").partition(":")
    except ValueError:
        return None
    return user, password


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


class DatabaseThreads:
    """Runs calls in threads, each with a database connection of its own, as separate workers would.

    On PostgreSQL each thread simply opens its own connection to the test database. SQLite's test
    database lives in this process's memory, where concurrent writers fail instead of waiting, so
    the threads share a copy of it in a file (`SharedDatabase`), and `collect()` brings what they
    wrote back. Use with `django_db(transaction=True)`: the threads see only what was committed.
    """

    def __init__(self, directory: Path) -> None:
        from peersupport.lib.subprocesses import SharedDatabase

        self._shared = SharedDatabase(directory)
        self._file = self._shared._file  # the file the threads share, on SQLite in memory
        self._shared.publish()
        self._pool = ThreadPoolExecutor()

    def start(self, call: Callable[[], T]) -> "Future[T]":
        return self._pool.submit(self._run, call)

    def collect(self) -> None:
        """Wait for every thread, then bring what they wrote into the test's database."""
        self._pool.shutdown(wait=True)
        self._shared.collect()

    def _run(self, call: Callable[[], T]) -> T:
        from django.db import connections

        if self._file is not None:
            default = connections["default"]
            settings_dict = {**default.settings_dict, "NAME": str(self._file)}
            connections["default"] = type(default)(settings_dict, "default")
        try:
            return call()
        finally:
            connections.close_all()


def wait_until_worker_idle() -> None:
    """Run the real worker until its queue is empty, then check that nothing is left that could
    still send: no delivery task ready to run and no email claimed by a sender.

    Sending is synchronous (the loopback server keeps a message before it answers 250), so once
    this returns every email that was going to be sent has arrived: a check that nothing was sent
    twice can follow at once, with no pause for a late send.
    """
    from django_tasks_db.models import DBTaskResult

    from peersupport.notifications.models import OutboxMessage, OutboxStatus

    run_worker_until_idle()
    ready = DBTaskResult.objects.ready().count()
    claimed = OutboxMessage.objects.filter(status=OutboxStatus.SENDING).count()
    if ready or claimed:
        raise AssertionError(f"the worker is not idle: {ready} task(s) ready to run, {claimed} email(s) being sent")
