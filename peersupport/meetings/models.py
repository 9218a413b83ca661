import uuid
from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.referrals.models import Category
from peersupport.roster.models import RoleType


class Meeting(models.Model):
    """A supporter meeting of one program's team. Its `uid` names the event in everyone's
    calendar, and `sequence` counts its revisions, so an update or a cancellation replaces the
    event there. Its invitations and nudges belong to its program through it."""

    program = models.ForeignKey("program.Program", on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=120)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=200)
    # The zone the times were given in (settings.TIME_ZONE when scheduled), for the calendar.
    time_zone = models.CharField(max_length=60)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["starts_at"], name="meeting_starts_idx"),
                   models.Index(fields=["program", "starts_at"], name="meeting_program_starts_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    def is_over(self, now: datetime | None = None) -> bool:
        return self.ends_at <= (now or timezone.now())

    def has_started(self, now: datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())


class Rsvp(models.TextChoices):
    YES = "yes", _("Yes, I'll be there")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No, I can't make it")


class Invitation(models.Model):
    """One supporter invited to one meeting: their answer, and whether they came."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    supporter = models.ForeignKey("roster.Supporter", on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=10, choices=Rsvp.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # None until the director records attendance after the meeting.
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "supporter"], name="invitation_once_per_meeting"),
        ]
        indexes = [models.Index(fields=["supporter", "meeting"], name="invitation_supporter_idx")]

    def __str__(self) -> str:
        return f"Invitation {self.pk} to meeting {self.meeting_id}"


class MissedMeetingsNudge(models.Model):
    """The friendly note to a supporter who missed two meetings in a row: one per streak of
    misses, named by the streak's first missed meeting, so the reminders job never repeats it."""

    supporter = models.ForeignKey("roster.Supporter", on_delete=models.CASCADE, related_name="+")
    streak_start = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supporter", "streak_start"], name="nudge_once_per_streak"),
        ]

    def __str__(self) -> str:
        return f"Nudge for supporter {self.supporter_id}"


class ScenarioQuerySet(models.QuerySet["Scenario"]):
    def in_use(self) -> "ScenarioQuerySet":
        return self.filter(retired=False)


class Scenario(models.Model):
    """A role-play situation for practice: what happened, in a few plain sentences, and what the
    "colleague" might be feeling. Invented, never a real case.

    The library is the health system's, shared by every program: a scenario tells of no person
    and no hospital, and one program's good scenario serves the others' practice too."""

    title = models.CharField(max_length=120)
    category = models.CharField(max_length=30, choices=Category.choices)
    role_type = models.CharField(max_length=20, choices=RoleType.choices)
    situation = models.TextField(max_length=800)
    feelings = models.TextField(max_length=400)
    retired = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title
