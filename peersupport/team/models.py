"""A supporter's participation beside their roster record, and the on-call rota.

The supporter's pause itself is `roster.Supporter.paused_until` (the matching reads it); what
is kept here is only what the rest of the program does not read: the reason for a pause, the
opt-in to public recognition, the secret of the supporter's calendar feed.
"""

import hashlib
import secrets
from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.roster.models import Supporter

# An on-call week runs seven days from its first day, that day included.
WEEK = timedelta(days=7)
FEED_ADDRESS_PREFIX = "cal_"


def feed_digest(token: str) -> str:
    """What is stored of a feed's secret: its SHA-256 (the address itself is shown only once)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token() -> str:
    return FEED_ADDRESS_PREFIX + secrets.token_urlsafe(24)


class PauseReason(models.TextChoices):
    LEAVE = "leave", _("Leave")
    BUSY = "busy", _("A busy time at work")
    PERSONAL = "personal", _("Personal reasons")
    OTHER = "other", _("Other")


class Participation(models.Model):
    """One supporter's own settings for taking part."""

    supporter = models.OneToOneField(Supporter, on_delete=models.CASCADE, related_name="participation")
    pause_reason = models.CharField(max_length=20, choices=PauseReason.choices, blank=True)
    recognition_opt_in = models.BooleanField(default=False)
    # SHA-256 of the secret in the supporter's calendar feed address; blank when there is none.
    feed_digest = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feed_digest"], condition=~Q(feed_digest=""),
                                    name="participation_feed_digest_unique"),
        ]

    def __str__(self) -> str:
        return f"Participation of supporter {self.supporter_id}"


class OnCallTeam(models.Model):
    """A few supporters (often four) of one program who are on call together for a week at a time."""

    program = models.ForeignKey("program.Program", on_delete=models.PROTECT, related_name="on_call_teams")
    name = models.CharField(max_length=80)
    members: "models.ManyToManyField[Supporter, OnCallMember]" = models.ManyToManyField(
        Supporter, through="OnCallMember", related_name="on_call_teams")
    feed_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="on_call_team_name_per_program"),
            models.UniqueConstraint(fields=["feed_digest"], condition=~Q(feed_digest=""),
                                    name="on_call_team_feed_digest_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class OnCallMember(models.Model):
    team = models.ForeignKey(OnCallTeam, on_delete=models.CASCADE, related_name="memberships")
    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="on_call_memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "supporter"], name="on_call_member_once_per_team"),
        ]

    def __str__(self) -> str:
        return f"Supporter {self.supporter_id} on {self.team_id}"


class OnCallWeekQuerySet(models.QuerySet["OnCallWeek"]):
    def covering(self, day: date) -> "OnCallWeekQuerySet":
        """The week (at most one: weeks never overlap) whose seven days include `day`."""
        return self.filter(starts_on__lte=day, starts_on__gt=day - WEEK)


class OnCallWeek(models.Model):
    """One week of a program's rota: from `starts_on` for seven days, `team` is on call. A
    program's weeks never overlap: the service refuses a start within six days of another week's.
    `program` repeats the team's, so each program's rota is unique by day and read by an index."""

    program = models.ForeignKey("program.Program", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    team = models.ForeignKey(OnCallTeam, on_delete=models.CASCADE, related_name="weeks")
    created_at = models.DateTimeField(default=timezone.now)

    objects = OnCallWeekQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["program", "starts_on"], name="on_call_week_once_per_program"),
        ]

    def __str__(self) -> str:
        return f"On call from {self.starts_on}: {self.team_id}"

    @property
    def ends_on(self) -> date:
        """The week's last day (included)."""
        return self.starts_on + WEEK - timedelta(days=1)
