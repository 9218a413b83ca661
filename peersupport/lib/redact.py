"""Exceptions described for logs and error columns without the people in them.

Mail errors quote addresses: `SMTPRecipientsRefused` is a dict of every refused recipient, and
servers often repeat the address in their answer ("550 <pat@example.org>: User unknown"). A
peer's address in a log line tells whoever reads the logs that this person is being supported.
"""

import re
import smtplib
import traceback

EMAIL_ADDRESS = re.compile(r"[^\s<>()\[\]{}'\",;:]+@[^\s<>()\[\]{}'\",;:]+")
REDACTED = "<address>"


def describe_error(exc: BaseException) -> str:
    """`Type: message` on one line, with every email address replaced by `<address>`."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(answer[0]) for answer in exc.recipients.values()})
        text = f"{len(exc.recipients)} recipient(s) refused (SMTP {', '.join(codes) or '?'})"
    else:
        text = str(exc)
    text = " ".join(EMAIL_ADDRESS.sub(REDACTED, text).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def describe_traceback(exc: BaseException) -> str:
    """Where an exception came from (file, line, code), ending with its described message."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    return f"Traceback (most recent call last):\n{frames}{describe_error(exc)}"
