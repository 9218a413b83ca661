"""The text channel against a loopback HTTP server that plays the SMS gateway: the request's shape,
retries with the outbox's back-off, permanent refusals set aside at once, every attempt failing
set aside, and two workers claiming at once sending once. The same outbox, the same guarantees
as email."""

import base64
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from peersupport.notifications.channels import GatewayError, gateway_error_for_status, text_address
from peersupport.notifications.checks import check_mail_delivery
from peersupport.notifications.models import Channel, OutboxMessage, OutboxStatus
from peersupport.notifications.services import (
    SET_ASIDE_NOTICE,
    outbox_deliver,
    outbox_enqueue,
    outbox_flush,
    outbox_retry_set_aside,
)
from peersupport.notifications.testing import DatabaseThreads, GatewayAnswer

from .conftest import SENDER

pytestmark = pytest.mark.django_db(transaction=True)

NUMBER = "+15550100123"
BODY = "You have a new peer to reach out to: http://127.0.0.1:8000/cases/7/"


def enqueue_text(to: str = NUMBER) -> OutboxMessage:
    with transaction.atomic():
        return outbox_enqueue(kind="assignment", to=to, subject="A new peer to reach out to", body=BODY,
                              channel=Channel.TEXT)


def test_a_text_is_posted_to_the_gateway_as_form_fields_with_basic_credentials(text_gateway, run_worker):
    message = enqueue_text()
    run_worker()  # the delivery task queued with the message

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 0)
    [request] = text_gateway.requests
    assert (request.method, request.path) == ("POST", text_gateway.path)
    assert request.form == {"To": NUMBER, "From": SENDER, "Body": BODY}
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    expected = base64.b64encode(f"{text_gateway.username}:{text_gateway.password}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert request.headers["Idempotency-Key"] == message.message_id
    assert len(text_gateway.accepted) == 1


def test_a_text_is_retried_after_a_server_error_and_a_timeout_with_back_off_then_sent_once(
    text_gateway, run_worker, time_machine
):
    # A 500, then an answer held back past the client's timeout, then the gateway takes it.
    text_gateway.answer(500, GatewayAnswer(503, delay=3), 201)
    time_machine.move_to(timezone.now(), tick=False)
    message = enqueue_text()
    run_worker()

    delays, errors = [], []
    for attempt in (1, 2):
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxStatus.PENDING, attempt)
        delays.append((message.next_attempt_at - message.claimed_at).total_seconds())
        errors.append(message.last_error)
        # Nothing is tried a second early, by the worker or the sweeper.
        time_machine.move_to(message.next_attempt_at - timedelta(seconds=1), tick=False)
        run_worker()
        assert outbox_flush() == 0
        assert len(text_gateway.requests) == attempt
        time_machine.move_to(message.next_attempt_at, tick=False)
        run_worker()  # the deferred retry

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert delays == [30, 60]  # the outbox's back-off, as for mail
    assert errors[0] == "GatewayError: The text gateway answered 500 Internal Server Error"
    assert "timed out" in errors[1]
    # Sent once: later sweeps and workers send nothing more.
    time_machine.move_to(timezone.now() + timedelta(days=1), tick=False)
    assert outbox_flush() == 0
    run_worker()
    assert len(text_gateway.requests) == 3
    assert len(text_gateway.accepted) == 1


@pytest.mark.parametrize(("status", "outcome"), [
    (429, OutboxStatus.PENDING),  # too many requests: later
    (502, OutboxStatus.PENDING),
    (400, OutboxStatus.FAILED),  # a number the gateway will not take: a retry gets the same answer
    (404, OutboxStatus.FAILED),
    (301, OutboxStatus.FAILED),  # a redirect: the address is wrong, and a POST is not followed
])
def test_a_gateway_answer_is_retried_or_set_aside_by_its_status(text_gateway, status, outcome):
    text_gateway.answer(status)
    message = enqueue_text()
    assert outbox_deliver(message.pk) == outcome
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.last_error.startswith(f"GatewayError: The text gateway answered {status}")


def test_a_refused_text_is_set_aside_at_once_and_the_directors_are_told(text_gateway, smtp_server, director,
                                                                         run_worker):
    text_gateway.answer(400)
    message = enqueue_text()
    run_worker()  # the text, refused; then the directors' notice, by email

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    [notice] = smtp_server.wait_for(1)
    assert notice["To"] == director.email
    assert notice["Subject"] == "Some program messages could not be delivered"
    text = notice.get_content()
    assert "1 text message from the program could not be delivered" in text
    assert NUMBER not in text
    assert OutboxMessage.objects.filter(kind=SET_ASIDE_NOTICE).count() == 1
    # Never tried again by itself.
    assert outbox_flush(now=timezone.now() + timedelta(days=1)) == 0
    assert len(text_gateway.requests) == 1


def test_wrong_gateway_credentials_set_the_text_aside(text_gateway, settings):
    settings.SMS_GATEWAY_PASSWORD = "not-the-secret"
    message = enqueue_text()
    assert outbox_deliver(message.pk) == OutboxStatus.FAILED
    assert text_gateway.requests[0].status == 401


def test_a_text_failing_every_attempt_is_set_aside_then_sent_once_when_sent_again(text_gateway, director, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    text_gateway.stop()  # connection refused, every time
    message = enqueue_text()
    assert outbox_deliver(message.pk) == OutboxStatus.PENDING
    later = timezone.now()
    for _ in range(2):
        later += timedelta(hours=2)
        outbox_flush(now=later)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 3)
    assert "Connection refused" in message.last_error
    assert OutboxMessage.objects.filter(kind=SET_ASIDE_NOTICE, to=director.email).count() == 1

    text_gateway.start()
    assert outbox_retry_set_aside(actor=director) == 1
    assert outbox_flush() == 1
    assert outbox_flush(now=timezone.now() + timedelta(days=1)) == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(text_gateway.accepted) == 1


def test_two_workers_claiming_a_text_at_once_send_it_once(text_gateway, tmp_path):
    message = enqueue_text()
    text_gateway.hold()  # the first worker's request waits at the gateway, unanswered
    workers = DatabaseThreads(tmp_path)

    first = workers.start(lambda: outbox_deliver(message.pk))
    text_gateway.wait_for(1)
    # A second worker's task and a sweeper, while the first is sending: neither sends.
    second = workers.start(lambda: (outbox_deliver(message.pk), outbox_flush()))
    assert second.result(timeout=10) == (OutboxStatus.SENDING, 0)
    text_gateway.release()
    assert first.result(timeout=10) == OutboxStatus.SENT
    workers.collect()

    assert outbox_deliver(message.pk) == OutboxStatus.SENT  # and once sent, never again
    assert len(text_gateway.requests) == 1


def test_a_text_that_cannot_go_out_is_refused_when_written():
    with pytest.raises(ValueError, match="international form"):
        outbox_enqueue(kind="assignment", to="555 0100", subject="-", body=BODY, channel=Channel.TEXT)
    with pytest.raises(ValueError, match="No channel"):
        outbox_enqueue(kind="assignment", to=NUMBER, subject="-", body=BODY, channel="pigeon")
    assert not OutboxMessage.objects.exists()


def test_the_gateways_status_decides_sent_retried_or_permanent():
    assert gateway_error_for_status(200, "OK") is None
    assert gateway_error_for_status(201, "Created") is None
    for status, permanent in ((500, False), (503, False), (429, False), (400, True), (401, True), (302, True)):
        error = gateway_error_for_status(status, "Some <b>reason</b> +15550100123")
        assert isinstance(error, GatewayError) and isinstance(error, OSError)
        assert error.permanent is permanent, status
        # Only the status and the reason's words: never a number the gateway quotes.
        assert "555" not in str(error) and "<" not in str(error)


@pytest.mark.parametrize(("phone", "country", "expected"), [
    ("+1 555 010 0123", "", "+15550100123"),
    ("+1 (555) 010-0123", "", "+15550100123"),
    ("0044 20 7946 0000", "", "+442079460000"),
    ("555.010.0123", "1", "+15550100123"),
    ("020 7946 0000", "44", "+442079460000"),
    ("555 010 0123", "", ""),  # a national number, and no default country code
    ("+1 555 010 0123 ext 4", "", ""),
    ("+1 555", "", ""),
    ("", "1", ""),
])
def test_a_roster_phone_becomes_a_number_in_international_form(settings, phone, country, expected):
    settings.SMS_DEFAULT_COUNTRY_CODE = country
    assert text_address(phone) == expected


def test_the_deployment_checks_want_https_a_sender_and_credentials_for_texts(settings):
    settings.SMS_GATEWAY_URL = ""
    assert [p.id for p in check_mail_delivery() if "SMS" in p.msg or "Texts" in p.msg] == []
    settings.SMS_GATEWAY_URL = "http://sms.example.net/Messages.json"
    settings.SMS_SENDER = ""
    settings.SMS_GATEWAY_USERNAME = ""
    found = {problem.id for problem in check_mail_delivery()}
    assert {"notifications.W004", "notifications.E005", "notifications.W006"} <= found
    settings.SMS_GATEWAY_URL = "https://sms.example.net/Messages.json"
    settings.SMS_SENDER, settings.SMS_GATEWAY_USERNAME, settings.SMS_GATEWAY_PASSWORD = SENDER, "AC1", "secret"
    found = {problem.id for problem in check_mail_delivery()}
    assert found & {"notifications.W004", "notifications.E005", "notifications.W006"} == set()
    # A gateway on this machine may be plain http.
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:8080/send"
    assert "notifications.W004" not in {problem.id for problem in check_mail_delivery()}


def test_the_send_outbox_sweeper_sends_texts_too(text_gateway):
    message = enqueue_text()
    call_command("send_outbox", verbosity=0)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(text_gateway.accepted) == 1


def test_a_message_for_a_channel_that_does_not_exist_is_set_aside_not_stuck(director):
    message = enqueue_text()
    OutboxMessage.objects.filter(pk=message.pk).update(channel="pigeon")
    assert outbox_deliver(message.pk) == OutboxStatus.FAILED
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
