"""The outbox against a real SMTP server on loopback and the real django-tasks worker."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from peersupport.cases.models import Case, CaseState
from peersupport.notifications import services
from peersupport.notifications.emails import render_assignment_email
from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.notifications.services import outbox_deliver, outbox_enqueue_each, outbox_flush
from peersupport.referrals.models import Referral
from peersupport.roster.models import Person

from .conftest import BODY, enqueue_sample

pytestmark = pytest.mark.django_db(transaction=True)


def text_of(received) -> str:
    return received.get_content().replace("\r\n", "\n")


def test_committed_message_is_delivered_by_the_worker(smtp_server, run_worker, settings):
    case = Case(
        pk=7,
        state=CaseState.ASSIGNED,
        peer=Person(name="Zoë O'Brien", phone="+1 555 0101", email="zoe@example.org"),
        referral=Referral(summary="A hard night on the ward."),
    )
    subject, body = render_assignment_email(case)
    with transaction.atomic():
        message = enqueue_sample(subject=subject, body=body, reply_to="dora@example.org")
        # Queued in the change's own transaction: the worker sees it when the change commits.
        assert DBTaskResult.objects.count() == 1

    run_worker()

    [received] = smtp_server.wait_for(1)
    assert received["Subject"] == "A colleague could use your support"
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "alex@example.org"
    assert received["Reply-To"] == "dora@example.org"
    assert received["From"] == settings.DEFAULT_FROM_EMAIL
    assert text_of(received) == body
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None and message.attempts == 0
    assert DBTaskResult.objects.get().return_value == "sent"


def test_rolled_back_transaction_sends_nothing(smtp_server, run_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_sample()
        raise RuntimeError("the change failed")

    run_worker()
    assert outbox_flush() == 0

    assert not OutboxMessage.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert smtp_server.messages == []


def test_message_survives_mail_server_outage_and_is_sent_exactly_once(
    smtp_server, run_worker, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    with transaction.atomic():
        message = enqueue_sample()
    smtp_server.stop()

    run_worker()

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at == timezone.now() + timedelta(seconds=30)
    assert message.last_error.startswith("ConnectionRefusedError")
    assert "Hello Alex" not in message.last_error
    # A deferred retry is queued for exactly then, and is not due yet.
    assert DBTaskResult.objects.filter(run_after=message.next_attempt_at).count() == 1
    assert not DBTaskResult.objects.ready().exists()

    smtp_server.start()
    run_worker()  # the retry is not due yet
    assert outbox_flush() == 0
    assert smtp_server.messages == []

    time_machine.shift(timedelta(seconds=31))
    assert outbox_flush() == 1
    assert outbox_flush() == 0
    run_worker()  # the deferred retry runs now and finds the message already sent

    [received] = smtp_server.wait_for(1)
    assert received["Message-ID"] == message.message_id
    assert text_of(received) == BODY
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)


def test_message_is_set_aside_after_max_attempts(smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with transaction.atomic():
        message = enqueue_sample()
    smtp_server.stop()

    outcomes = []
    for _ in range(3):
        message.refresh_from_db()
        outcomes.append(outbox_deliver(message.pk, now=message.next_attempt_at))

    assert outcomes == ["pending", "pending", "failed"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 3)
    smtp_server.start()
    assert outbox_flush(now=timezone.now() + timedelta(days=1)) == 0
    assert smtp_server.messages == []


def test_second_claim_while_the_first_is_sending_sends_nothing(smtp_server, monkeypatch):
    with transaction.atomic():
        message = enqueue_sample()
    real_send = services._send
    second_worker = []

    def send_while_another_worker_tries(outbox_message: OutboxMessage, connection=None) -> None:
        second_worker.append(outbox_deliver(outbox_message.pk))
        second_worker.append(outbox_flush())
        real_send(outbox_message, connection)

    monkeypatch.setattr(services, "_send", send_while_another_worker_tries)

    assert outbox_deliver(message.pk) == "sent"
    assert second_worker == ["sending", 0]
    assert outbox_deliver(message.pk) == "sent"  # and once sent, never again
    assert len(smtp_server.messages) == 1


def test_a_sweep_counts_only_the_mail_it_sent_itself_not_a_row_another_worker_sent_first(
    smtp_server, monkeypatch
):
    with transaction.atomic():
        first = enqueue_sample(to="first@example.org")
        enqueue_sample(to="second@example.org")
    real_claim = services._claim
    other_worker = []

    def another_worker_sends_the_first_between_the_sweeps_look_and_its_claim(message_id, now):
        if message_id == first.pk and not other_worker:
            other_worker.append(message_id)
            assert outbox_deliver(first.pk) == "sent"
        return real_claim(message_id, now)

    monkeypatch.setattr(services, "_claim", another_worker_sends_the_first_between_the_sweeps_look_and_its_claim)

    assert outbox_flush() == 1  # the second; the first reads "sent", but the other worker sent it
    assert sorted(m["To"] for m in smtp_server.messages) == ["first@example.org", "second@example.org"]


def test_claim_abandoned_by_a_crashed_worker_is_taken_over_after_ten_minutes(smtp_server):
    now = timezone.now()
    with transaction.atomic():
        abandoned = enqueue_sample(to="abandoned@example.org")
        in_progress = enqueue_sample(to="in-progress@example.org")
    OutboxMessage.objects.filter(pk=abandoned.pk).update(
        status=OutboxStatus.SENDING, claimed_at=now - timedelta(minutes=11)
    )
    OutboxMessage.objects.filter(pk=in_progress.pk).update(
        status=OutboxStatus.SENDING, claimed_at=now - timedelta(minutes=1)
    )

    assert outbox_flush() == 1

    assert [m["To"] for m in smtp_server.messages] == ["abandoned@example.org"]
    in_progress.refresh_from_db()
    assert in_progress.status == OutboxStatus.SENDING


def test_send_outbox_command_sends_messages_whose_task_was_lost(smtp_server):
    with transaction.atomic():
        enqueue_sample(to="one@example.org")
        enqueue_sample(to="two@example.org")
    DBTaskResult.objects.all().delete()

    call_command("send_outbox", verbosity=0)
    call_command("send_outbox", verbosity=0)

    received = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in received) == ["one@example.org", "two@example.org"]
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2


def test_message_not_yet_due_is_left_alone(smtp_server):
    with transaction.atomic():
        message = enqueue_sample()
    later = timezone.now() + timedelta(minutes=5)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=later)

    assert outbox_deliver(message.pk) == "pending"
    assert outbox_flush() == 0
    assert outbox_deliver(message.pk, now=later) == "sent"


def test_message_ids_are_unique_and_use_the_sender_domain(settings):
    settings.DEFAULT_FROM_EMAIL = "Peer Support <peers@hospital.example>"
    with transaction.atomic():
        first, second = enqueue_sample(), enqueue_sample()
    assert first.message_id != second.message_id
    assert first.message_id.startswith("<") and first.message_id.endswith("@hospital.example>")

    settings.DEFAULT_FROM_EMAIL = "Peer Support Program <peersupport@localhost>"
    with transaction.atomic():
        assert enqueue_sample().message_id.endswith("@peersupport.local>")


def test_enqueue_needs_a_recipient():
    with pytest.raises(ValueError), transaction.atomic():
        enqueue_sample(to="")
    assert not OutboxMessage.objects.exists()


def test_deliver_of_a_missing_row_is_harmless():
    assert outbox_deliver(999_999) == "missing"



def test_the_same_email_to_several_people_is_one_message_each_and_one_task(smtp_server, run_worker):
    with transaction.atomic():
        messages = outbox_enqueue_each(kind="new_referral", recipients=["a@example.org", "b@example.org",
                                                                        "c@example.org"],
                                       subject="Two clinicians\nwait", body="See the queue.")
        assert DBTaskResult.objects.count() == 1  # one task, written with the messages
    assert len({message.message_id for message in messages}) == 3

    run_worker()

    received = smtp_server.wait_for(3)
    assert sorted(message["To"] for message in received) == ["a@example.org", "b@example.org", "c@example.org"]
    assert {message["Subject"] for message in received} == {"Two clinicians wait"}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert DBTaskResult.objects.get().return_value == ["sent", "sent", "sent"]


def test_sending_to_several_people_refuses_an_empty_address(db):
    with pytest.raises(ValueError, match="recipient"):
        outbox_enqueue_each(kind="new_referral", recipients=["a@example.org", ""], subject="s", body="b")
    assert not OutboxMessage.objects.exists()
