from django.db import models
from django.utils import timezone


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Set aside after repeated failures"


class OutboxPriority(models.IntegerChoices):
    """Which mail goes out first: the lower the number, the sooner (then the earlier due)."""

    # Someone is waiting for it: a supporter's new peer, a safety concern, a link they asked for.
    URGENT = 1, "Urgent"
    # Routine notices: reminders, referrals to triage, invitations to a peer.
    NORMAL = 2, "Normal"
    # Mail to many people at once, e.g. a campaign: never ahead of the other two.
    BULK = 3, "Bulk"


class OutboxMessage(models.Model):
    """An email written in the same transaction as the change that caused it.

    The background worker sends it after commit and retries with back-off, so a mail server
    that is down loses nothing.
    """

    kind = models.CharField(max_length=40)
    to = models.EmailField()
    reply_to = models.EmailField(blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    message_id = models.CharField(max_length=200, unique=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    priority = models.PositiveSmallIntegerField(
        choices=OutboxPriority.choices, default=OutboxPriority.NORMAL
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # One optional text attachment (a meeting's calendar invitation), sent with the body.
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_content = models.TextField(blank=True)

    class Meta:
        # The sweeper's order: due mail of a status, most urgent first, then the earliest due.
        indexes = [models.Index(fields=["status", "priority", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"
