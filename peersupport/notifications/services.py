"""The outbox: a message is a row first, written with the change that caused it, and sent later.

A message goes by its channel (`peersupport.notifications.channels`): email, or a text message
through an SMS gateway. Everything below holds for both: the claim, the retries with back-off,
setting aside after the last attempt (or at once, for a failure the channel calls permanent) and
the directors' notice.

`outbox_enqueue` writes the row inside the caller's transaction, so a rolled-back change sends
nothing, and queues the delivery task only once that transaction commits. `outbox_deliver`
claims the row with a conditional UPDATE, so two workers never send the same message, and on
failure schedules a retry with back-off. `outbox_flush` is the sweeper that catches anything
whose task was lost; every step is safe to re-run.

Every message has a priority, set from its kind (`priority_for_kind`): urgent mail (a new peer
for a supporter, a safety concern, a link someone asked for and waits for) goes out before routine
notices, and those before bulk mail. The delivery task carries it to the worker's queue, and the
sweeper sends in that order, so a burst of notices or a campaign never holds up urgent mail.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import get_connection, make_msgid
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from peersupport.lib.redact import describe_error, describe_for_log
from peersupport.notifications.channels import channel_for, close_quietly
from peersupport.notifications.models import TEXT_ADDRESS, Channel, OutboxMessage, OutboxPriority, OutboxStatus

if TYPE_CHECKING:
    from peersupport.cases.models import Case

logger = logging.getLogger(__name__)

# The task backend of the background worker (`manage.py db_worker`): its queue is a table in the
# program's own database.
WORKER_BACKEND = "django_tasks_db.DatabaseBackend"
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)
FALLBACK_MESSAGE_ID_DOMAIN = "peersupport.local"
LAST_ERROR_LENGTH = 200
MISSING = "missing"
# The directors' notice that mail was set aside. A notice that is itself set aside raises no
# further notice, so a mail server that stays down cannot make the outbox feed itself.
SET_ASIDE_NOTICE = "outbox_set_aside"
SET_ASIDE_SHOWN = 20

# The kinds someone is waiting for: the supporter's new peer, a safety concern for the directors,
# and the links a person asked for and is waiting for at the screen (the peer's personal link and
# a password link). Everything else is a routine notice unless its caller says it is bulk.
URGENT_KINDS = frozenset({"assignment", "safety_escalation", "personal_link", "password_link"})
# The worker's queue (django-tasks) runs higher numbers first; ours run lower numbers first.
TASK_PRIORITY = {OutboxPriority.URGENT: 50, OutboxPriority.NORMAL: 0, OutboxPriority.BULK: -50}
# The sweeper sends this many messages over one SMTP connection, then looks again for what is
# due: urgent mail written meanwhile is next, and no mail server's per-connection limit is met.
SWEEP_BATCH = 20


def reclaim_after() -> timedelta:
    """How long a row may stay in `sending` before another worker takes it over.

    A worker that died mid-send leaves its row in `sending`. The mail server may have accepted the
    message before the crash, so a reclaim can send it twice: delivery is at least once, and the
    stable Message-ID lets mail clients fold the duplicate. `OUTBOX_RECLAIM_SECONDS`, 10 minutes
    by default.
    """
    return timedelta(seconds=settings.OUTBOX_RECLAIM_SECONDS)


def outbox_enqueue(
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    reply_to: str = "",
    case: "Case | None" = None,
    send_after: datetime | None = None,
    priority: OutboxPriority | None = None,
    attachment: "Attachment | None" = None,
    channel: str = Channel.EMAIL,
) -> OutboxMessage:
    """Write a message to the outbox; call it inside the transaction of the change it reports.

    `send_after` holds it back until then (e.g. while an answer can still be undone): until it
    is sent, the row can be deleted with the change it reported. `priority` defaults to the
    kind's (`priority_for_kind`); mail to many people at once passes `OutboxPriority.BULK`.
    `channel` is email unless the caller sends a text (`to` a number as `text_address` gives it;
    the subject is only for the overview)."""
    _check_address(channel, to)
    message = OutboxMessage.objects.create(
        kind=kind,
        channel=channel,
        to=to,
        reply_to=reply_to,
        # One line: a newline in a subject is a header-injection error at send time.
        subject=" ".join(subject.split()),
        body=body,
        message_id=make_msgid(domain=_message_id_domain()),
        case=case,
        next_attempt_at=send_after or timezone.now(),
        priority=priority or priority_for_kind(kind),
        **_attachment_fields(attachment),
    )
    _queue_delivery(message.pk, priority=message.priority, run_after=send_after)
    return message


@dataclass(frozen=True)
class Attachment:
    """One text file sent with an email, e.g. a calendar invitation (`text/calendar`)."""

    name: str
    content_type: str
    content: str


def _attachment_fields(attachment: Attachment | None) -> dict[str, str]:
    if attachment is None:
        return {}
    return {"attachment_name": attachment.name, "attachment_type": attachment.content_type,
            "attachment_content": attachment.content}


@dataclass(frozen=True)
class Draft:
    """One message for `outbox_enqueue_all` (an email unless `channel` says otherwise)."""

    kind: str
    to: str
    subject: str
    body: str
    case: "Case | None" = None
    attachment: Attachment | None = None
    channel: str = Channel.EMAIL


def _check_address(channel: str, to: str) -> None:
    # A row that could only ever fail: better the caller hears it now.
    kind = channel_for(channel).address_kind  # ValueError for a channel that does not exist
    if not to:
        raise ValueError(f"An outbox message needs a recipient {kind}.")
    if channel == Channel.TEXT and not TEXT_ADDRESS.fullmatch(to):
        raise ValueError(f"A text message needs a {kind} in international form (see text_address).")


def outbox_enqueue_each(
    *, kind: str, recipients: list[str], subject: str, body: str, priority: OutboxPriority | None = None
) -> list[OutboxMessage]:
    """The same email to each of several people, one outbox message each (see `outbox_enqueue_all`).
    The directors' notice of a new referral goes this way: two queries whatever the number of
    directors, where one `outbox_enqueue` each took two per director."""
    return outbox_enqueue_all([Draft(kind, to, subject, body) for to in recipients], priority=priority)


def outbox_enqueue_all(drafts: list[Draft], *, priority: OutboxPriority | None = None) -> list[OutboxMessage]:
    """Several emails written together, in one insert, with one delivery task per `SWEEP_BATCH` of
    them (each sent over one SMTP session); call it inside the transaction of the change they
    report. Each message's priority is its kind's unless `priority` is given."""
    if not drafts:
        return []
    for draft in drafts:
        _check_address(draft.channel, draft.to)
    now = timezone.now()
    domain = _message_id_domain()
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(kind=draft.kind, channel=draft.channel, to=draft.to, subject=" ".join(draft.subject.split()),
                      body=draft.body, case=draft.case, message_id=make_msgid(domain=domain), next_attempt_at=now,
                      priority=priority or priority_for_kind(draft.kind),
                      **_attachment_fields(draft.attachment))
        for draft in drafts
    )
    by_priority: dict[int, list[int]] = {}
    for message in messages:
        by_priority.setdefault(message.priority, []).append(message.pk)
    for level, ids in sorted(by_priority.items()):
        for begin in range(0, len(ids), SWEEP_BATCH):
            _queue(partial(_schedule_deliveries, ids[begin:begin + SWEEP_BATCH], priority=level))
    return messages


def _queue_delivery(message_id: int, *, priority: int, run_after: datetime | None = None) -> None:
    _queue(partial(_schedule_delivery, message_id, priority=priority, run_after=run_after))


def _queue(schedule: "partial[None]") -> None:
    """Queue the delivery task of messages just written.

    With the worker's database queue (the default), the task row is written in the caller's
    transaction, beside the message: both commit together, in the one commit the change makes
    anyway, or neither does. (Queued after the commit, each task cost intake a commit of its own.)
    Any other task backend waits for the commit, since the immediate one would send at once, before
    the change is saved; there `robust`: a failed enqueue must not turn a saved change into an
    error page, and `outbox_flush` sends the row anyway.
    """
    if settings.TASKS["default"]["BACKEND"] == WORKER_BACKEND and transaction.get_connection().in_atomic_block:
        schedule()
    else:
        transaction.on_commit(schedule, robust=True)


def priority_for_kind(kind: str) -> OutboxPriority:
    """The priority of an email of this kind: urgent if someone is waiting for it, else normal."""
    return OutboxPriority.URGENT if kind in URGENT_KINDS else OutboxPriority.NORMAL


def outbox_deliver(
    message_id: int, *, now: datetime | None = None, connection: BaseEmailBackend | None = None
) -> str:
    """Send one outbox message if it is due and nobody else holds it; return its status.

    Returns the status the row ends in ("sent", "pending" with a retry scheduled, "failed"),
    the current status if the row was not ours to send, or "missing" if it no longer exists.
    Call it outside any transaction: the claim must be visible to other workers at once, and
    no transaction should stay open while talking to a mail server. `connection`, an open mail
    backend, sends several messages over one SMTP session; without it, each send opens its own.
    """
    status = _deliver_if_ours(message_id, now=now or timezone.now(), connection=connection)
    return _status_of(message_id) if status is None else status


def _deliver_if_ours(message_id: int, *, now: datetime, connection: BaseEmailBackend | None) -> str | None:
    """Claim and send one message; return the status it ends in, or None if it was not ours.

    A sweep counts only what it sent itself: a row another worker sent a moment ago also reads
    "sent", and counting it would tell the caller it sent mail that it did not.
    """
    claimed_at = _claim(message_id, now)
    if claimed_at is None:
        return None
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        _send(message, connection)
    except Exception as exc:
        # Network, SMTP and gateway errors (all OSError) are the expected kind. Anything else is
        # recorded the same way, so a message that cannot be built is set aside instead of stuck.
        # A failure its channel calls permanent (a gateway's 4xx) is set aside at once.
        return _record_failure(message, exc, claimed_at, permanent=_is_permanent(message, exc))
    _release(message, claimed_at, status=OutboxStatus.SENT, sent_at=timezone.now())
    return OutboxStatus.SENT.value


def _is_permanent(message: OutboxMessage, exc: Exception) -> bool:
    try:
        return channel_for(message.channel).is_permanent(exc)
    except ValueError:
        return True  # no such channel (a row written by hand): no retry can send it


def outbox_flush(now: datetime | None = None) -> int:
    """Deliver every due message, including any whose task was lost; return how many were sent.

    `now` decides which messages are due, once for the whole pass; each claim is stamped with the
    time it is made (see `_claim`), however long the pass runs. The pass sends the most urgent
    first, in batches of `SWEEP_BATCH` over one SMTP connection each, and before each batch looks
    again: urgent mail written during a long pass goes out in the next batch. Each message is
    tried at most once a pass (a failed one is due again only after `now`; urgent mail written
    during the pass is taken on its first attempt only), so a pass always ends.
    """
    now = now or timezone.now()
    sent = 0
    while True:
        # Never before `now`: a caller's `now` may be ahead of the clock (a test's later time).
        batch_time = max(now, timezone.now())
        batch = list(
            OutboxMessage.objects.filter(
                _due(now)
                | Q(status=OutboxStatus.PENDING, priority=OutboxPriority.URGENT, attempts=0,
                    next_attempt_at__lte=batch_time)
            )
            .order_by("priority", "next_attempt_at", "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if not batch:
            return sent
        connection = get_connection()
        try:
            for pk in batch:
                if _deliver_if_ours(pk, now=batch_time, connection=connection) == OutboxStatus.SENT:
                    sent += 1
        finally:
            close_quietly(connection)


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the given number of failed attempts: 30 s, 1 min, 2 min, … up to 1 hour."""
    # The exponent is capped so a large OUTBOX_MAX_ATTEMPTS cannot overflow timedelta.
    factor: float = 2 ** min(attempts - 1, 16)
    return min(FIRST_RETRY * factor, MAX_RETRY)


def _due(now: datetime) -> Q:
    pending_and_due = Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
    abandoned = Q(status=OutboxStatus.SENDING, claimed_at__lt=now - reclaim_after())
    return pending_and_due | abandoned


def _claim(message_id: int, now: datetime) -> datetime | None:
    """Take the row if it is due at `now`; return the claim's stamp, or None if it was not ours.

    The stamp is the moment of the claim, never the `now` of a sweep that started earlier: a
    sweep through a backlog on a slow mail server outlasts `reclaim_after()`, and a claim stamped
    with its start would look abandoned to the next sweeper while it is still being sent.
    """
    claimed_at = timezone.now()
    # One UPDATE decides the race: whichever worker's statement matches the row first moves it to
    # `sending`; the other's WHERE no longer matches and it updates nothing.
    claimed = OutboxMessage.objects.filter(_due(now), pk=message_id).update(
        status=OutboxStatus.SENDING, claimed_at=claimed_at
    )
    return claimed_at if claimed == 1 else None


def _release(message: OutboxMessage, claimed_at: datetime, **fields: object) -> bool:
    # Only while the claim is still ours: if we were so slow that another worker took the row
    # over, its outcome is the one that counts.
    updated = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.SENDING, claimed_at=claimed_at
    ).update(**fields)
    if not updated:
        logger.warning("Outbox message %s was taken over by another worker", message.pk)
    return updated == 1


def _record_failure(
    message: OutboxMessage, exc: Exception, claimed_at: datetime, *, permanent: bool = False
) -> str:
    attempts = message.attempts + 1
    # Exception text only: the body must never reach the database error column or the logs, and
    # neither may an address (SMTP errors quote the refused recipients): see peersupport.lib.redact.
    error = describe_error(exc)[:LAST_ERROR_LENGTH]  # for the director's overview
    logged = describe_for_log(exc)  # what the log may say of it
    if not isinstance(exc, OSError):
        # Where it failed; the log's formatter leaves out the exception's own text.
        logger.error("Outbox message %s failed unexpectedly", message.pk, exc_info=exc)
    if permanent or attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        logger.error(
            "Outbox message %s set aside after %s attempt(s)%s: %s",
            message.pk, attempts, ", the failure is permanent" if permanent else "", logged,
        )
        # One transaction: the row is set aside together with the directors' notice about it.
        with transaction.atomic():
            released = _release(message, claimed_at, status=OutboxStatus.FAILED, attempts=attempts,
                                last_error=error)
            if released and message.kind != SET_ASIDE_NOTICE:
                _tell_directors_of_set_aside_mail()
        return OutboxStatus.FAILED.value

    # Counted from this attempt's claim, so the back-off is the same in a long sweep as in a task.
    next_attempt_at = claimed_at + retry_delay(attempts)
    logger.warning(
        "Outbox message %s attempt %s failed, retrying at %s: %s",
        message.pk, attempts, next_attempt_at.isoformat(), logged,
    )
    released = _release(
        message,
        claimed_at,
        status=OutboxStatus.PENDING,
        attempts=attempts,
        last_error=error,
        next_attempt_at=next_attempt_at,
    )
    if released:
        transaction.on_commit(
            partial(_schedule_delivery, message.pk, priority=message.priority, run_after=next_attempt_at),
            robust=True,
        )
    return OutboxStatus.PENDING.value


def set_aside_messages() -> QuerySet[OutboxMessage]:
    """The messages (emails and texts) set aside after their last attempt, oldest first (not the
    notices about them)."""
    return (
        OutboxMessage.objects.filter(status=OutboxStatus.FAILED)
        .exclude(kind=SET_ASIDE_NOTICE)
        .order_by("created_at", "pk")
    )


def outbox_retry_set_aside(*, actor: object, now: datetime | None = None) -> int:
    """Give every set-aside email a fresh set of attempts, due now; return how many.

    The directors' notices about set-aside mail are not retried: whoever retries has seen them.
    """
    # Imported here: the audit app is a leaf, but keep this module's imports to mail matters.
    from peersupport.audit.services import audit_record

    now = now or timezone.now()
    with transaction.atomic():
        rows = list(set_aside_messages().select_for_update().values_list("pk", "priority"))
        ids = [pk for pk, _ in rows]
        OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.FAILED).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, claimed_at=None
        )
        audit_record(actor=actor, action="outbox.retry", object_type="outbox",
                     detail={"messages": len(ids)})
        for pk, priority in rows:
            transaction.on_commit(partial(_schedule_delivery, pk, priority=priority), robust=True)
    return len(ids)


def _tell_directors_of_set_aside_mail() -> None:
    # Imported here: the accounts and emails modules import models that import this one.
    from peersupport.notifications.emails import render_set_aside_email
    from peersupport.program.staff import director_audience, in_each_language

    audience = director_audience()
    directors = [address for address, _ in audience]
    # One unsent notice per director at a time: an outage that sets aside a hundred emails
    # writes one notice each, and the overview shows the current count.
    waiting = set(
        OutboxMessage.objects.filter(
            kind=SET_ASIDE_NOTICE, to__in=directors,
            status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING],
        ).values_list("to", flat=True)
    )
    if len(waiting) == len(set(directors)):
        return
    counts = dict(set_aside_messages().order_by().values_list("channel").annotate(n=Count("pk")))
    notices = in_each_language(
        [(address, language) for address, language in audience if address not in waiting],
        lambda language: render_set_aside_email(counts.get(Channel.EMAIL, 0), texts=counts.get(Channel.TEXT, 0),
                                                recipient=language))
    for address, subject, body in notices:
        if address not in waiting:
            outbox_enqueue(kind=SET_ASIDE_NOTICE, to=address, subject=subject, body=body)
            waiting.add(address)


def _send(message: OutboxMessage, connection: BaseEmailBackend | None = None) -> None:
    """Hand the message to its channel; `connection`, an open mail session, serves emails only."""
    channel_for(message.channel, connection=connection).send(message)


@task()
def deliver_outbox_message(message_id: int) -> str:
    """The worker's task for one message; defined here so that queuing it needs no other module."""
    return outbox_deliver(message_id)


@task()
def deliver_outbox_messages(message_ids: list[int]) -> list[str]:
    """The worker's task for several messages written together: one SMTP session for them all."""
    connection = get_connection()
    try:
        return [outbox_deliver(message_id, connection=connection) for message_id in message_ids]
    finally:
        close_quietly(connection)


def _schedule_deliveries(message_ids: list[int], *, priority: int) -> None:
    deliver_outbox_messages.using(priority=TASK_PRIORITY[OutboxPriority(priority)]).enqueue(message_ids)


def _schedule_delivery(message_id: int, *, priority: int, run_after: datetime | None = None) -> None:
    # The worker takes the most urgent ready task first, so a delivery queued behind thousands
    # of routine or bulk ones is next all the same.
    delivery = deliver_outbox_message.using(priority=TASK_PRIORITY[OutboxPriority(priority)])
    if run_after is not None:
        delivery = delivery.using(run_after=run_after)
    delivery.enqueue(message_id)


def _status_of(message_id: int) -> str:
    status = OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True).first()
    return status or MISSING


def _message_id_domain() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    # A Message-ID must be unique worldwide; "localhost" (the laptop default) is shared by every
    # install, so it gets a name of our own instead.
    return domain if "." in domain else FALLBACK_MESSAGE_ID_DOMAIN
