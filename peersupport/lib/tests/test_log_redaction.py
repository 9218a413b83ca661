"""An unexpected error's traceback reaches the log without what its messages quote.

Django logs a server error with its traceback. An exception's message may quote what a user
typed (a peer's name in a `ValueError`) or, on PostgreSQL, the row a constraint refused (a
`DETAIL:` line). The log's formatter keeps the frames and the exception types, the first line of
database and connection errors, and withholds the rest.
"""

import io
import logging

import pytest
from django.db import IntegrityError
from django.urls import reverse

from peersupport.lib.redact import RedactingFormatter
from peersupport.testing.factories import make_person

NAME = "Quillon Zephyrine-Abernathy"
ADDRESS = "qz.canary.7f3a@peer-canary.example"


@pytest.fixture
def log_output():
    """What the configured console handler writes (settings.LOGGING), captured."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h.formatter, RedactingFormatter)]
    assert handlers, "the root logger's handler does not use the redacting formatter"
    stream = io.StringIO()
    previous = [handler.setStream(stream) for handler in handlers]
    yield stream
    for handler, old in zip(handlers, previous, strict=True):
        handler.setStream(old)


def failing_referral(*args, **kwargs):
    try:
        raise IntegrityError(
            'duplicate key value violates unique constraint "roster_person_email_key"\n'
            f"DETAIL:  Key (email)=({ADDRESS}) already exists."
        )
    except IntegrityError as exc:
        raise ValueError(f"Could not refer {NAME} <{ADDRESS}>") from exc


def test_a_server_error_is_logged_with_its_frames_but_not_the_peer(client, referrer, monkeypatch, log_output):
    make_person(employee_id="P1")
    monkeypatch.setattr("peersupport.referrals.views.referral_create", failing_referral)
    client.force_login(referrer)
    client.raise_request_exception = False
    response = client.post(reverse("referral-new"), {
        "involved": ["P1"], "category": "patient_death", "occurred_on": "2026-01-20",
        "summary": "A hard day.", "source": "safety_report",
    })
    assert response.status_code == 500
    logged = log_output.getvalue()
    assert "Internal Server Error: /referrals/new/" in logged
    assert 'IntegrityError: duplicate key value violates unique constraint "roster_person_email_key"' in logged
    assert "ValueError (message withheld from the log" in logged
    assert "in failing_referral" in logged  # the frames are kept
    assert NAME not in logged and "canary" not in logged and "DETAIL" not in logged


def test_mail_that_fails_unexpectedly_is_logged_without_what_the_error_quotes(db, settings, log_output):
    from django.utils import timezone

    from peersupport.notifications.services import _record_failure, outbox_enqueue

    settings.OUTBOX_MAX_ATTEMPTS = 1  # the failure and the setting aside, both logged
    message = outbox_enqueue(kind="assignment", to=ADDRESS, subject="New peer", body="Please reach out.")
    try:
        raise ValueError(f"Header values can't contain {NAME}")
    except ValueError as error:
        _record_failure(message, error, timezone.now())
    logged = log_output.getvalue()
    assert f"Outbox message {message.pk} failed unexpectedly" in logged and "set aside" in logged
    assert "ValueError (message withheld from the log" in logged
    assert NAME not in logged and "canary" not in logged


def test_a_logged_path_keeps_no_personal_link_token_password_link_or_employee_id():
    import logging

    from peersupport.lib.redact import RedactingFormatter

    formatter = RedactingFormatter("%(levelname)s %(name)s %(message)s")
    lines = {
        "Gone: /support/link/eyJwIjo2fQ:1xXr9s:gV59cVL8G2Y/": "Gone: /support/link/[token]/",
        "Not Found: /support/talk/abc.def:ghi/": "Not Found: /support/talk/[token]/",
        "Forbidden: /roster/E1042/supporter/": "Forbidden: /roster/[employee-id]/supporter/",
        "Not Found: /accounts/password/set/MQ/set-password/": "Not Found: /accounts/password/set/[uid]/[token]/",
        "Not Found: /api/v1/people/E77": "Not Found: /api/v1/people/[employee-id]",
        "Forbidden: /roster/lookup/": "Forbidden: /roster/lookup/",
    }
    for message, logged in lines.items():
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, message, None, None)
        assert formatter.format(record) == f"WARNING django.request {logged}"
