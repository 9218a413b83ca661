"""What recruiting keeps: campaigns, who each invited, the nominations, and the candidates.

A nomination holds people and fixed choices only (reasons from a list), never free text. A
candidate is a nominee on the way to the team; once they accept, the roster's supporter record
takes over what the matching needs, and the candidate keeps only where they are in the pipeline.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peersupport.roster.models import Person


class Reason(models.TextChoices):
    LISTENER = "listener", _("A good listener")
    CALM = "calm", _("Calm under pressure")
    TRUSTED = "trusted", _("Trusted by colleagues")
    LIVED_THROUGH = "lived_through", _("Has lived through a hard event")
    DISCREET = "discreet", _("Discreet")


class AudienceKind(models.TextChoices):
    SERVED = "served", _("Everyone the program serves")
    CHOSEN = "chosen", _("Chosen departments, sites or professional roles")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Campaign(models.Model):
    """One program's call for nominations, sent to people of that program only. Its invitations
    and nominations are its program's through it; a candidate's program is their person's."""

    program = models.ForeignKey("program.Program", on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=120)
    audience_kind = models.CharField(max_length=10, choices=AudienceKind.choices, default=AudienceKind.SERVED)
    # For a chosen audience: each list that is not empty narrows it (any of its values).
    departments = models.JSONField(default=list, blank=True)
    sites = models.JSONField(default=list, blank=True)
    role_types = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=150)
    body = models.TextField(max_length=5000)
    status = models.CharField(max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Fixed when sending starts: how many the audience held then (the progress bar's total).
    audience_size = models.PositiveIntegerField(default=0)
    # The sending task's place: the highest roster id already invited (people go in id order),
    # and how many were invited. Both move in the transaction that writes a batch's emails.
    cursor = models.PositiveBigIntegerField(default=0)
    invited_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["program", "created_at"], name="campaign_program_created_idx")]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """One person a campaign invited to nominate (their link is signed, never stored)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="invitation_once_per_campaign")]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"


class Nomination(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="nominations")
    nominator = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nominations_made")
    nominee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nominations_received")
    reasons = models.JSONField(default=list)
    self_nomination = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "nominator", "nominee"], name="nomination_once_per_pair"),
        ]
        indexes = [models.Index(fields=["nominee", "nominator"])]

    def __str__(self) -> str:
        return f"Nomination {self.pk}"


class CandidateState(models.TextChoices):
    NOMINATED = "nominated", pgettext_lazy("a candidate's state", "Nominated")
    INVITED = "invited", pgettext_lazy("a candidate's state", "Invited")
    ACCEPTED = "accepted", pgettext_lazy("a candidate's state", "Accepted")
    DECLINED = "declined", pgettext_lazy("a candidate's state", "Declined")
    IN_TRAINING = "in_training", pgettext_lazy("a candidate's state", "In training")
    ACTIVE = "active", pgettext_lazy("a candidate's state", "Active")


class Candidate(models.Model):
    """A nominee in the pipeline: nominated → invited → accepted or declined → in training → active."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="candidacy")
    state = models.CharField(max_length=12, choices=CandidateState.choices, default=CandidateState.NOMINATED)
    # Distinct colleagues who nominated them, over every campaign: kept here so the pipeline
    # ranks by an index, whatever the number of nominations.
    nominator_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    invited_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["-nominator_count", "id"], name="candidate_rank"),
            models.Index(fields=["state", "-nominator_count", "id"], name="candidate_state_rank"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=CandidateState.values), name="candidate_state_known"),
        ]

    def __str__(self) -> str:
        return f"Candidate {self.pk}"
