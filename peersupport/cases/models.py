from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from peersupport.lib.errors import Conflict

if TYPE_CHECKING:
    from peersupport.roster.models import Person


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
# Shown wherever a purged case's peer or event sentence used to be.
PURGED_LABEL = "(details purged)"
# States in which a supporter is still holding the case (counts against their case limit).
HOLDING_STATES = (CaseState.ASSIGNED, CaseState.OUTREACH_MADE, CaseState.ACCEPTED)


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> "CaseQuerySet":
        return self.filter(state__in=OPEN_STATES)

    def awaiting_assignment(self) -> "CaseQuerySet":
        return self.filter(state=CaseState.AWAITING_ASSIGNMENT)

    def most_overdue_first(self) -> "CaseQuerySet":
        return self.order_by(models.F("next_due_at").asc(nulls_last=True), "pk")

    def with_details(self) -> "CaseQuerySet":
        return self.select_related("peer", "referral", "supporter__person")

    def with_referral_links(self) -> "CaseQuerySet":
        """With the later referrals linked to each case ("also referred in #N"), in one query."""
        return self.prefetch_related(
            models.Prefetch("referral_links", queryset=CaseReferralLink.objects.select_related("referral"))
        )

    def with_encounters(self) -> "CaseQuerySet":
        """For a list that shows each case's next step (which follows its conversations)."""
        return self.prefetch_related("encounters")


class Case(models.Model):
    """One involved clinician (the peer) of one referral."""

    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="cases")
    # NULL once the retention purge has removed the case's identifying details (`purged_at`).
    peer = models.ForeignKey(
        "roster.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
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
    responded_at = models.DateTimeField(null=True, blank=True)
    # A peer who comes back after a closed case gets a new case, linked to the earlier one.
    reengagement_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reengagements"
    )
    # Set by the director: the retention purge leaves this case untouched while it is on.
    legal_hold = models.BooleanField(default=False)
    # When the retention purge removed the identifying details (see `cases/retention.py`).
    purged_at = models.DateTimeField(null=True, blank=True)

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
    def is_purged(self) -> bool:
        return self.purged_at is not None

    @property
    def peer_name(self) -> str:
        """The peer's name, or a plain note once the retention purge has unlinked them."""
        return self.peer.name if self.peer is not None else PURGED_LABEL

    @property
    def unpurged_peer(self) -> "Person":
        """The peer, for a case the retention purge has not reached (every case not yet closed)."""
        if self.peer is None:
            raise Conflict("This case's identifying details have been purged.")
        return self.peer

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def next_step(self) -> str:
        if self.state == CaseState.ACCEPTED:
            # An unsaved case (an email's preview) has had no conversation yet. Lists of cases
            # prefetch `encounters` (`CaseQuerySet.with_encounters`), so this costs no query each.
            return step_after_conversations([] if self._state.adding else list(self.encounters.all()))
        return {
            CaseState.AWAITING_ASSIGNMENT: "assignment",
            CaseState.ASSIGNED: "first outreach",
            CaseState.OUTREACH_MADE: "response",
            CaseState.DECLINED: "closing",
            CaseState.UNREACHABLE: "closing",
        }.get(CaseState(self.state), "")


class CaseReferralLink(models.Model):
    """A later referral of a peer whose case was still open: linked to that case, not a second one.

    The director sees "also referred in #N" on the case and in the queue; the referrer's receipt
    is the same as if a case had been opened (referrer blindness).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referral_links")
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="case_links")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["referral_id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "referral"], name="one_link_per_case_and_referral"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.referral_id} also for {self.case}"


FIRST_CONVERSATION, FOLLOW_UP, CLOSING = "first conversation", "follow-up conversation", "closing"


def step_after_conversations(encounters: "list[Encounter]") -> str:
    """What comes after the conversations so far: the first one; another, if the last one
    planned it; or closing, once the guide's closing was covered or no follow-up is planned."""
    if not encounters:
        return FIRST_CONVERSATION
    last = max(encounters, key=lambda e: (e.held_on, e.pk or 0))
    if any(GuideTopic.CLOSING in e.topics for e in encounters) or not last.follow_up_planned:
        return CLOSING
    return FOLLOW_UP


class OverrideReason(models.TextChoices):
    """Why the director chose someone outside the suggestions: a fixed list, never free text,
    so no story about the peer can slip into the record."""

    PEER_REQUEST = "peer_request", "The peer asked for this supporter"
    CONTINUITY = "continuity", "Continuity with an earlier supporter"
    SHARED_EXPERIENCE = "shared_experience", "An experience in common the peer would value"
    LANGUAGE_OR_CULTURE = "language_or_culture", "Language or culture"
    AVAILABILITY = "availability", "Available at the time needed"
    OTHER = "other", "Another program reason"


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
    override_reason = models.CharField(max_length=30, choices=OverrideReason.choices, blank=True)
    via_plan = models.BooleanField(default=False)

    class Meta:
        ordering = ["-assigned_at"]

    def __str__(self) -> str:
        return f"Assignment of {self.supporter} to {self.case}"


class OutreachChannel(models.TextChoices):
    TEXT = "text", "Text message"
    CALL = "call", "Phone call"
    EMAIL = "email", "Email"
    PAGE = "page", "Page"
    IN_PERSON = "in_person", "In person"


class Response(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    NO_RESPONSE = "no_response", "No response"


class EncounterMode(models.TextChoices):
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    IN_PERSON = "in_person", "In person"


class GuideTopic(models.TextChoices):
    """The conversation guide's topics, in the order of a conversation."""

    OPENING = "opening", "Opening and invitation"
    STORY = "story", "Inviting the story"
    LISTENING = "listening", "Listening and reflecting"
    NORMALIZING = "normalizing", "Normalizing the reaction"
    REFRAMING = "reframing", "Reframing"
    SENSE_MAKING = "sense_making", "Making sense of it"
    COPING = "coping", "Coping: sleep, home, time off"
    RESOURCES = "resources", "Resources and follow-up"
    CLOSING = "closing", "Closing"


class DeclineReason(models.TextChoices):
    CONFLICT_OF_INTEREST = "conflict_of_interest", "Conflict of interest"
    NO_CAPACITY = "no_capacity", "No capacity right now"
    OTHER = "other", "Other"


class OutreachAttempt(models.Model):
    """One try at reaching the peer: when, how, by whom. Never what was said."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outreach_attempts")
    supporter = models.ForeignKey("roster.Supporter", null=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=20, choices=OutreachChannel.choices)
    made_at = models.DateTimeField(default=timezone.now)
    sent_by_program = models.BooleanField(default=False)

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} outreach on {self.case}"



class ResponseRecord(models.Model):
    """The peer's answer to an outreach (or that there was none yet)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="responses")
    response = models.CharField(max_length=20, choices=Response.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_response_display()} on {self.case}"



class Encounter(models.Model):
    """That a conversation happened: structured fields only, no notes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="encounters")
    held_on = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    mode = models.CharField(max_length=20, choices=EncounterMode.choices)
    topics = models.JSONField(default=list, blank=True)
    follow_up_planned = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Encounter on {self.held_on} for {self.case}"



class ResourceShare(models.Model):
    """A resource the supporter shared with the peer, or connected them to (a warm hand-off)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="resource_shares")
    resource = models.ForeignKey("resources.Resource", on_delete=models.PROTECT, related_name="shares")
    facilitated = models.BooleanField(default=False)
    shared_at = models.DateTimeField(default=timezone.now)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["shared_at", "pk"]

    def __str__(self) -> str:
        return f"{self.resource} for {self.case}"



class AssignmentDecline(models.Model):
    """A supporter handed a case back; they are not suggested for it again."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="declines")
    supporter = models.ForeignKey("roster.Supporter", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=30, choices=DeclineReason.choices)
    declined_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Handed back: {self.case}"



class SafetyEscalation(models.Model):
    """Someone's safety is at risk: the director is told at once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Safety escalation on {self.case}"



class StepNotice(models.Model):
    """A reminder or escalation sent for one due step, so re-running the job never repeats it."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder to the owner"
        ESCALATION = "escalation", "Escalation to the director"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="step_notices")
    step = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "step", "kind"], name="one_notice_per_step_and_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.step} of {self.case}"


class CheckInReason(models.TextChoices):
    """Why a supporter would like a check-in with the director after a case: fixed choices, no notes."""

    HARD_CONVERSATION = "hard_conversation", "A hard conversation"
    OWN_EXPERIENCE = "own_experience", "It touched my own experience"
    WORRIED_ABOUT_PEER = "worried_about_peer", "I'm worried about the peer"
    OTHER = "other", "Other"


class CheckInRequest(models.Model):
    """The case's supporter would like a check-in with the director (supporters are people
    too). Open until the director marks it done; at most one open per case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="check_ins")
    supporter = models.ForeignKey("roster.Supporter", on_delete=models.CASCADE, related_name="check_ins")
    reason = models.CharField(max_length=30, choices=CheckInReason.choices)
    raised_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(done_at__isnull=True),
                                    name="check_in_one_open_per_case"),
        ]
        indexes = [models.Index(fields=["done_at", "raised_at"])]

    def __str__(self) -> str:
        return f"Check-in asked on {self.case}"
