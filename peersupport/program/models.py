from datetime import date

from django.db import models

from peersupport.roster.models import RoleType

DEFAULT_WEIGHTS: dict[str, float] = {
    # Continuity outweighs every other preference that can differ between the peer's earlier
    # supporter and anyone else (at these weights the event's own terms, fairness and on call
    # add up to 7.5), so the earlier supporter comes first unless they miss a stated wish.
    "continuity": 8.0,
    "specialty": 3.0,
    "related_specialty": 1.5,
    "rank": 2.0,
    "interventional": 2.0,
    "role": 2.0,
    "experience": 1.5,
    "preference": 3.0,
    "load": 2.0,
    "recency": 1.0,
    "on_call": 1.0,
    "other_site": 0.5,
}

WEIGHT_LABELS: dict[str, str] = {
    "continuity": "Supported this peer before",
    "specialty": "Same specialty",
    "related_specialty": "Related specialty",
    "rank": "Similar or higher rank",
    "interventional": "Interventionalist for a procedural event",
    "role": "Same professional role",
    "experience": "Experience with this kind of event",
    "preference": "The peer's own stated preferences",
    "load": "Fewer open cases",
    "recency": "Longer since last assignment",
    "on_call": "On call now",
    "other_site": "From another site",
}


def default_served_roles() -> list[str]:
    return [RoleType.PHYSICIAN, RoleType.RESIDENT, RoleType.FELLOW]


def default_weights() -> dict[str, float]:
    return dict(DEFAULT_WEIGHTS)


class ProgramSettings(models.Model):
    """The program's rules; one row, edited by the director."""

    served_role_types = models.JSONField(default=default_served_roles)
    assignment_due_hours = models.PositiveIntegerField(default=4)
    first_outreach_due_hours = models.PositiveIntegerField(default=24)
    exclude_same_department = models.BooleanField(default=True)
    # A supporter takes at most one peer of the same referral (the director may override it
    # case by case, with a reason): colleagues from one event may not want to share a supporter.
    one_peer_per_supporter_per_event = models.BooleanField(default=True)
    default_case_limit = models.PositiveSmallIntegerField(default=2)
    weights = models.JSONField(default=default_weights)
    small_count_threshold = models.PositiveSmallIntegerField(default=11)
    retention_days = models.PositiveIntegerField(default=365)
    # After this many unanswered attempts, spread over at least this many days, the peer is
    # unreachable (and is sent the resources and an open invitation).
    unreachable_after_attempts = models.PositiveSmallIntegerField(default=3)
    unreachable_after_days = models.PositiveSmallIntegerField(default=5)
    next_attempt_due_hours = models.PositiveIntegerField(default=48)
    first_conversation_due_hours = models.PositiveIntegerField(default=72)
    follow_up_due_days = models.PositiveIntegerField(default=14)
    close_due_days = models.PositiveIntegerField(default=7)
    # How long past its due time a step may be before the director is told.
    escalate_after_hours = models.PositiveIntegerField(default=4)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "program settings"

    def __str__(self) -> str:
        return "Program settings"

    @classmethod
    def current(cls) -> "ProgramSettings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings

    def effective_weights(self) -> dict[str, float]:
        weights = default_weights()
        weights.update({k: float(v) for k, v in (self.weights or {}).items() if k in weights})
        return weights


class StaffMember(models.Model):
    """A director's or administrator's part in running the program: their protected time, and
    for a director, when they are away and who deputizes (`program.staff`)."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="program_staff")
    # The share of their working time set aside for the program (10 to 20% is typical for a director).
    protected_time_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    away_from = models.DateField(null=True, blank=True)
    away_until = models.DateField(null=True, blank=True)
    # Receives the director's escalations and notices while they are away.
    deputy = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="deputizes_for")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(protected_time_percent__lte=100),
                                   name="staff_protected_time_at_most_100"),
            models.CheckConstraint(
                condition=models.Q(away_from__isnull=True, away_until__isnull=True)
                | models.Q(away_from__lte=models.F("away_until")),
                name="staff_away_from_before_until"),
        ]

    def __str__(self) -> str:
        return f"Program staff {self.user}"

    def is_away(self, today: date) -> bool:
        return (self.away_from is not None and self.away_until is not None
                and self.away_from <= today <= self.away_until)
