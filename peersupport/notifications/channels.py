"""The ways a message leaves the program: email, and text messages through an SMS gateway.

Every channel sends one outbox message (`send`), raising on failure, and says whether a failure
is permanent (`is_permanent`): the outbox retries the others with back-off and sets a permanent
one aside at once. The outbox owns everything else (the claim, retries, setting aside, the
directors' notice), so each channel gets the same guarantees.

The text channel speaks the shape most SMS gateways take, Twilio's among them: a `POST` to
`SMS_GATEWAY_URL` with the form fields `To`, `From` and `Body`, and HTTP Basic credentials
(`SMS_GATEWAY_USERNAME`, `SMS_GATEWAY_PASSWORD`). A 2xx answer is sent; a 5xx or 429 answer, a
timeout (`SMS_GATEWAY_TIMEOUT`) or a network error is retried; any other answer (a 4xx: a number
the gateway will not take, wrong credentials; a redirect) is permanent.
"""

import base64
import http.client
import re
from contextlib import suppress
from typing import ClassVar, Protocol
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from peersupport.notifications.models import TEXT_ADDRESS, Channel, OutboxMessage

USER_AGENT = "PeerSupport-Outbox/1"


class MessageChannel(Protocol):
    """One way of sending an outbox message."""

    name: ClassVar[str]
    # What its messages' `to` holds, in words for people ("email address", "mobile number").
    address_kind: ClassVar[str]

    def send(self, message: OutboxMessage) -> None:
        """Hand the message over, or raise."""

    def is_permanent(self, error: Exception) -> bool:
        """Whether trying again could not help, so the message is set aside at once."""


class EmailChannel:
    """Email through Django's mail backend (SMTP in production).

    `connection`, an open backend, sends several messages over one SMTP session (the sweeper's
    batches); without it, each send opens its own. A failure closes it, so the next message opens
    a fresh session. No SMTP failure is treated as permanent: a refusal is often a mail server's
    passing state, and the set-aside messages can be sent again from the overview.
    """

    name: ClassVar[str] = Channel.EMAIL.value
    address_kind: ClassVar[str] = "email address"

    def __init__(self, connection: BaseEmailBackend | None = None) -> None:
        self.connection = connection

    def send(self, message: OutboxMessage) -> None:
        connection = self.connection
        try:
            if connection is not None:
                # Opened here, not by `send`: a session that `send` opens it also closes after the
                # one message, and this one is for the messages after it too. A no-op while open.
                connection.open()
            email = EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
                reply_to=[message.reply_to] if message.reply_to else None,
                headers={
                    # The stored id, so a retry after an ambiguous failure is recognizably the same email.
                    "Message-ID": message.message_id,
                    # RFC 3834: keeps vacation responders from answering a notification.
                    "Auto-Submitted": "auto-generated",
                },
                connection=connection,
            )
            if message.attachment_name:
                email.attach(message.attachment_name, message.attachment_content, message.attachment_type)
            email.send(fail_silently=False)
        except Exception:
            if connection is not None:
                # The session may be broken: the next message opens a fresh one.
                close_quietly(connection)
            raise

    def is_permanent(self, error: Exception) -> bool:
        return False


class GatewayError(OSError):
    """The text gateway did not take a message. An OSError, like the network and SMTP errors the
    outbox expects. Its text names the answer's status only: a gateway's own error text may quote
    the phone number, which must reach neither the log nor the overview."""

    def __init__(self, text: str, *, permanent: bool, status: int | None = None) -> None:
        super().__init__(text)
        self.permanent = permanent
        self.status = status


def gateway_error_for_status(status: int, reason: str) -> GatewayError | None:
    """None for a 2xx answer; else the error, permanent unless a retry can help (5xx and 429)."""
    if 200 <= status < 300:
        return None
    retry = status >= 500 or status == http.client.TOO_MANY_REQUESTS
    # The reason phrase is the gateway's, but short and standard ("Bad Request"); keep it to words.
    phrase = re.sub(r"[^A-Za-z ]", "", reason or "")[:40].strip()
    text = f"The text gateway answered {status}{' ' + phrase if phrase else ''}"
    return GatewayError(text if retry else text + ": set aside, a retry would get the same answer",
                        permanent=not retry, status=status)


class TextChannel:
    """Text messages through an SMS gateway's HTTP API (the shape in the module's docstring)."""

    name: ClassVar[str] = Channel.TEXT.value
    address_kind: ClassVar[str] = "mobile number"

    def send(self, message: OutboxMessage) -> None:
        url = settings.SMS_GATEWAY_URL
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise GatewayError("SMS_GATEWAY_URL is not set to an http(s) address", permanent=True)
        if not TEXT_ADDRESS.fullmatch(message.to):
            raise GatewayError("The message's number is not in international form", permanent=True)
        body = urlencode({"To": message.to, "From": settings.SMS_SENDER, "Body": message.body})
        credentials = f"{settings.SMS_GATEWAY_USERNAME}:{settings.SMS_GATEWAY_PASSWORD}".encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "Basic " + base64.b64encode(credentials).decode("ascii"),
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            # The stored id: a gateway that deduplicates by it sends a retry after an ambiguous
            # failure (a timeout after it took the message) only once.
            "Idempotency-Key": message.message_id,
        }
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        # HTTPS verifies the gateway's certificate against the system's trusted authorities.
        connection = connection_class(parts.hostname, parts.port, timeout=settings.SMS_GATEWAY_TIMEOUT)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status, reason = response.status, response.reason
        except http.client.HTTPException as exc:
            # Refused, reset, timed out or a TLS failure (all OSError) propagate as they are, and
            # are retried; so is an answer that is not HTTP: the gateway or a proxy in trouble.
            if isinstance(exc, OSError):
                raise
            raise GatewayError(f"The text gateway's answer could not be read ({type(exc).__name__})",
                               permanent=False) from exc
        finally:
            connection.close()
        error = gateway_error_for_status(status, reason)
        if error is not None:
            raise error

    def is_permanent(self, error: Exception) -> bool:
        return isinstance(error, GatewayError) and error.permanent


def channel_for(name: str, *, connection: BaseEmailBackend | None = None) -> MessageChannel:
    """The channel a message goes by; `connection` is the open mail session an email may share."""
    if name == Channel.TEXT:
        return TextChannel()
    if name == Channel.EMAIL:
        return EmailChannel(connection)
    raise ValueError(f"No channel {name!r}.")


def text_messages_enabled() -> bool:
    """Whether the program sends texts at all: an SMS gateway is configured."""
    return bool(settings.SMS_GATEWAY_URL)


def text_address(phone: str) -> str:
    """A roster phone number as a text gateway takes it (`+15550100123`), or "" if it cannot be.

    Spaces, dashes, dots and parentheses are dropped. A number that starts with + or 00 is taken
    as international. A national number takes `SMS_DEFAULT_COUNTRY_CODE` (without its trunk 0),
    when that is set. Anything else (letters, an extension, too few or too many digits) gives "".
    """
    compact = re.sub(r"[\s\-.()/]", "", phone or "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not compact.startswith("+"):
        country = settings.SMS_DEFAULT_COUNTRY_CODE.strip().lstrip("+")
        if not country or not compact.isdigit():
            return ""
        compact = "+" + country + compact.removeprefix("0")
    return compact if TEXT_ADDRESS.fullmatch(compact) else ""


def close_quietly(connection: BaseEmailBackend) -> None:
    # Ending a session whose messages are all recorded: a failed QUIT changes nothing we know.
    with suppress(OSError):
        connection.close()
