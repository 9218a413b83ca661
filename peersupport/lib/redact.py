"""Exceptions described for logs and error columns without the people in them.

Mail errors quote addresses: `SMTPRecipientsRefused` is a dict of every refused recipient, and
servers often repeat the address in their answer ("550 <pat@example.org>: User unknown"). A
peer's address in a log line tells whoever reads the logs that this person is being supported.
"""

import logging
import re
import smtplib
import traceback
from types import TracebackType

from django.db import IntegrityError, OperationalError

EMAIL_ADDRESS = re.compile(r"[^\s<>()\[\]{}'\",;:]+@[^\s<>()\[\]{}'\",;:]+")
REDACTED = "<address>"
# What sys.exc_info() returns: the shape logging hands a formatter.
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def describe_error(exc: BaseException) -> str:
    """`Type: message` on one line, with every email address replaced by `<address>`."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(answer[0]) for answer in exc.recipients.values()})
        text = f"{len(exc.recipients)} recipient(s) refused (SMTP {', '.join(codes) or '?'})"
    else:
        text = str(exc)
    text = " ".join(EMAIL_ADDRESS.sub(REDACTED, text).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# Messages that say what broke (a refused connection or mail server, a lock, a constraint's name),
# not whom (addresses are still replaced by `<address>`).
# Only their first line: PostgreSQL adds the offending row's values on a `DETAIL:` line.
FIRST_LINE_KEPT = (OSError, OperationalError, IntegrityError)


def describe_for_log(exc: BaseException) -> str:
    """`Type: first line` for the failures above; any other exception's message is withheld."""
    if isinstance(exc, smtplib.SMTPException):
        return describe_error(exc)
    if isinstance(exc, FIRST_LINE_KEPT):
        first = (str(exc).strip().splitlines() or [""])[0]
        return f"{type(exc).__name__}: {EMAIL_ADDRESS.sub(REDACTED, first)}" if first else type(exc).__name__
    return f"{type(exc).__name__} (message withheld from the log: it may quote what a user typed)"


class RedactingFormatter(logging.Formatter):
    """The log's formatter: a traceback keeps its frames (file, line, code) and every exception
    in its chain, but not what an arbitrary exception's message quotes — a name, an address or
    an event's text in a `ValueError` would tell whoever reads the logs who is being supported."""

    def formatException(self, ei: ExcInfo) -> str:  # noqa: N802 - logging's name
        _, exc, _ = ei
        if exc is None:
            return super().formatException(ei)
        chain: list[BaseException] = []
        while exc is not None and exc not in chain:
            chain.append(exc)
            exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        parts = [
            "Traceback (most recent call last):\n" + "".join(traceback.format_tb(each.__traceback__))
            + describe_for_log(each)
            for each in reversed(chain)
        ]
        return "\n\nThe above led to:\n\n".join(parts)
