from django.conf import settings
from django.db import models
from django.utils import timezone


class CaseState(models.TextChoices):
    AWAITING_ASSIGNMENT = "awaiting_assignment", "Awaiting assignment"
    ASSIGNED = "assigned", "Assigned"
    OUTREACH_MADE = "outreach_made", "Outreach made"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    UNREACHABLE = "unreachable", "Unreachable"
    CLOSED = "closed", "Closed"


OPEN_STATES = (
    CaseState.AWAITING_ASSIGNMENT,
    CaseState.ASSIGNED,
    CaseState.OUTREACH_MADE,
    CaseState.ACCEPTED,
)
# States in which a supporter is still holding the case (counts against their case limit).
HOLDING_STATES = (CaseState.ASSIGNED, CaseState.OUTREACH_MADE, CaseState.ACCEPTED)


class CaseQuerySet(models.QuerySet):
    def open(self) -> "CaseQuerySet":
        return self.filter(state__in=OPEN_STATES)

    def awaiting_assignment(self) -> "CaseQuerySet":
        return self.filter(state=CaseState.AWAITING_ASSIGNMENT)

    def most_overdue_first(self) -> "CaseQuerySet":
        return self.order_by(models.F("next_due_at").asc(nulls_last=True), "pk")

    def with_details(self) -> "CaseQuerySet":
        return self.select_related("peer", "referral", "supporter__person")


class Case(models.Model):
    """One involved clinician (the peer) of one referral."""

    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="cases")
    peer = models.ForeignKey("roster.Person", on_delete=models.PROTECT, related_name="cases")
    state = models.CharField(
        max_length=30, choices=CaseState.choices, default=CaseState.AWAITING_ASSIGNMENT
    )
    supporter = models.ForeignKey(
        "roster.Supporter", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    created_at = models.DateTimeField(default=timezone.now)
    assigned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The due time of the next step (assignment, then first outreach, …).
    next_due_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every state change; a stale form or a racing request answers 409.
    version = models.PositiveIntegerField(default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_due_at"]),
            models.Index(fields=["supporter", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["referral", "peer"], name="one_case_per_peer_per_referral"),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def next_step(self) -> str:
        return {
            CaseState.AWAITING_ASSIGNMENT: "assignment",
            CaseState.ASSIGNED: "first outreach",
            CaseState.OUTREACH_MADE: "response",
            CaseState.ACCEPTED: "conversation",
        }.get(self.state, "")


class Assignment(models.Model):
    """Each time a supporter was put on a case, with how they were chosen."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    supporter = models.ForeignKey("roster.Supporter", on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    score = models.FloatField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    override_reason = models.CharField(max_length=200, blank=True)
    via_plan = models.BooleanField(default=False)

    class Meta:
        ordering = ["-assigned_at"]

    def __str__(self) -> str:
        return f"Assignment of {self.supporter} to {self.case}"
