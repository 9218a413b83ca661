"""A group debrief: a session for a team an event touched (a unit, a code team), run by two trained
supporters. Its record is structured only: how many came, how long, the guide's topics, the
resources offered. Never who came, and never a note."""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.referrals.models import Category


class DebriefSession(models.Model):
    # The program (hospital) that runs it: its staff see it, its people are invited.
    program = models.ForeignKey("program.Program", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("kind of event"), max_length=30, choices=Category.choices)
    # When the event happened: the date a case opened from the follow-up link carries.
    event_on = models.DateField(_("date of the event"))
    # The team the event touched: a department on the roster, or a named team ("Code team").
    department = models.CharField(max_length=100, blank=True)
    team_name = models.CharField(max_length=100, blank=True)
    # The referral of the same event, when the session runs beside individual cases.
    referral = models.ForeignKey("referrals.Referral", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    facilitator_one = models.ForeignKey("roster.Supporter", on_delete=models.PROTECT, related_name="+")
    facilitator_two = models.ForeignKey("roster.Supporter", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=200)
    # The zone the times were given in, for the calendar; `uid` and `sequence` as a meeting's.
    time_zone = models.CharField(max_length=60)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The record: numbers and choices from fixed lists only.
    recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_count = models.PositiveIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    topics = models.JSONField(default=list, blank=True)
    resources = models.ManyToManyField("resources.Resource", blank=True, related_name="+")
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["program", "starts_at"], name="debrief_program_starts_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="debrief_ends_after_start"),
            models.CheckConstraint(condition=~Q(facilitator_one=models.F("facilitator_two")),
                                   name="debrief_two_facilitators"),
            models.CheckConstraint(condition=~Q(department="", team_name=""), name="debrief_names_a_team"),
        ]

    def __str__(self) -> str:
        return f"Group debrief {self.pk}"

    @property
    def team(self) -> str:
        return self.team_name or self.department

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    def is_over(self, now: datetime | None = None) -> bool:
        return self.ends_at <= (now or timezone.now())

    def has_started(self, now: datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def facilitator_ids(self) -> tuple[int, int]:
        return (self.facilitator_one_id, self.facilitator_two_id)


class Invitee(models.Model):
    """One person of the team invited to a session. Sensitive: it says who the event touched, so it
    is read only through the session's gate (`debriefs.access`). Whether they came is never kept."""

    session = models.ForeignKey(DebriefSession, on_delete=models.CASCADE, related_name="invitees")
    person = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    # When the follow-up email with the personal link was written to the outbox (once).
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="debrief_invitee_once"),
        ]
        indexes = [models.Index(fields=["person", "session"], name="debrief_invitee_person_idx")]

    def __str__(self) -> str:
        return f"Invitee {self.pk} of group debrief {self.session_id}"
