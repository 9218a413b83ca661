import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.lib.fields import EncryptedCharField, EncryptedTextField

# A phone number as text gateways take it (E.164): a plus, then 8 to 15 digits, the first not 0.
TEXT_ADDRESS = re.compile(r"\+[1-9]\d{7,14}")


class Channel(models.TextChoices):
    """How a message leaves the program (see `peersupport.notifications.channels`)."""

    EMAIL = "email", _("Email")
    TEXT = "text", _("Text message")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Set aside after repeated failures")


class OutboxPriority(models.IntegerChoices):
    """Which mail goes out first: the lower the number, the sooner (then the earlier due)."""

    # Someone is waiting for it: a supporter's new peer, a safety concern, a link they asked for.
    URGENT = 1, _("Urgent")
    # Routine notices: reminders, referrals to triage, invitations to a peer.
    NORMAL = 2, _("Normal")
    # Mail to many people at once, e.g. a campaign: never ahead of the other two.
    BULK = 3, _("Bulk")


class OutboxMessage(models.Model):
    """A message (an email, or a text) written in the same transaction as the change that caused it.

    The background worker sends it after commit through its channel and retries with back-off, so
    a mail server or text gateway that is down loses nothing.
    """

    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    # An email address, or for a text a phone number in international form (`TEXT_ADDRESS`).
    to = models.CharField(max_length=254)
    reply_to = models.EmailField(blank=True)
    # The subject and body may name a peer, give their contact details and the event's sentence
    # (an assignment): encrypted in their columns (peersupport.lib.fields), blanked by the purge.
    subject = EncryptedCharField(max_length=200)
    body = EncryptedTextField()
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

    def clean(self) -> None:
        # The address must suit the channel: an email address, or a phone number a gateway takes.
        # (Blank once a purge has removed it from a sent message.)
        if not self.to:
            return
        if self.channel == Channel.TEXT:
            if not TEXT_ADDRESS.fullmatch(self.to):
                raise ValidationError({"to": "A text message needs a phone number in international form, "
                                             "such as +15550100123."})
            return
        try:
            validate_email(self.to)
        except ValidationError as exc:
            raise ValidationError({"to": exc.messages}) from exc
