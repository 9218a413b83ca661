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


# Path parts that carry a secret or name someone: (pattern, replacement). Employee ids may hold
# a slash, so everything up to the route's own ending is replaced.
REDACTED_PATHS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^/support/(link|talk)/[^/]+"), r"/support/\1/[token]"),
    (re.compile(r"^/accounts/password/set/.*$"), "/accounts/password/set/[uid]/[token]/"),
    (re.compile(r"^/roster/(?!(?:lookup|new)(?:/|$)).+?(/supporter)?/?$"), r"/roster/[employee-id]\1/"),
    (re.compile(r"^/api/v1/(people|supporters)/(?!batch/?$).+$"), r"/api/v1/\1/[employee-id]"),
]


def redact_path(path: str) -> str:
    """The path as the access log shows it: no query string, no token, no employee id."""
    path = path.split("?", 1)[0]
    for pattern, replacement in REDACTED_PATHS:
        path = pattern.sub(replacement, path)
    return path


# A path inside a log line (Django's "Not Found: /roster/E123/", a "GET /support/link/… HTTP/1.1").
PATH_IN_TEXT = re.compile(r"(?<![\w.])/[^\s\"']+")


def redact_paths_in(text: str) -> str:
    """Every path in a log line as `redact_path` shows it (file paths in tracebacks stay as they are)."""
    return PATH_IN_TEXT.sub(lambda match: redact_path(match.group(0)), text)


class RedactingFormatter(logging.Formatter):
    """The log's formatter: a traceback keeps its frames (file, line, code) and every exception
    in its chain, but not what an arbitrary exception's message quotes — a name, an address or
    an event's text in a `ValueError` would tell whoever reads the logs who is being supported.
    A path in a line loses its personal-link or password-link token and any employee id
    (`redact_path`): Django logs the path of every refused or missing page."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_paths_in(super().format(record))

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
