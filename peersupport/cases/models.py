from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peersupport.lib.errors import Conflict

if TYPE_CHECKING:
    from peersupport.roster.models import Person


class CaseState(models.TextChoices):
    AWAITING_ASSIGNMENT = "awaiting_assignment", _("Awaiting assignment")
    ASSIGNED = "assigned", _("Assigned")
    OUTREACH_MADE = "outreach_made", _("Outreach made")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    UNREACHABLE = "unreachable", _("Unreachable")
    CLOSED = "closed", _("Closed")


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
    # The peer's program when the case opened (kept through the purge): whose director sees it.
    program = models.ForeignKey("program.Program", on_delete=models.PROTECT, related_name="cases")
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
    # The peer asked for a supporter from outside their hospital (a self-referral's wish, or set by
    # the director): the other programs' shared supporters are suggested too (cross-program matching).
    wants_outside_supporter = models.BooleanField(default=False)
    # When the retention purge removed the identifying details (see `cases/retention.py`).
    purged_at = models.DateTimeField(null=True, blank=True)
    # For the reports, kept through the retention purge: the peer's role, department and site
    # when the case opened (a later roster change does not move past figures), and the minutes
    # from the case opening to its first assignment and to its first outreach (the exact dates
    # go at the purge; these intervals name no day).
    peer_role = models.CharField(max_length=20, blank=True)
    peer_department = models.CharField(max_length=100, blank=True)
    peer_site = models.CharField(max_length=100, blank=True)
    minutes_to_assignment = models.PositiveIntegerField(null=True, blank=True)
    minutes_to_first_outreach = models.PositiveIntegerField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_due_at"]),
            models.Index(fields=["supporter", "state"]),
            # A program's queue and lists: its cases by state, then due time or age.
            models.Index(fields=["program", "state", "next_due_at"], name="case_program_state_due_idx"),
            models.Index(fields=["program", "created_at"], name="case_program_created_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["referral", "peer"], name="one_case_per_peer_per_referral"),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.program_id is None:
            # The case is the peer's program's (a bulk write sets it itself: `referral_create`).
            from peersupport.program.models import Program

            self.program_id = (self.peer.program_id if self.peer is not None else None) or Program.default().pk
        super().save(*args, **kwargs)

    def minutes_since_opened(self, moment: datetime) -> int:
        return max(0, int((moment - self.created_at).total_seconds() // 60))

    def snapshot_peer(self, person: "Person") -> None:
        """Keep the peer's role, department and site as they are now, for the reports."""
        self.peer_role, self.peer_department, self.peer_site = person.role_type, person.department, person.site

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
            raise Conflict(gettext("This case's identifying details have been purged."))
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
# How each step (`Case.next_step`, a name the code compares) reads on a page, in the reader's language.
STEP_WORDS = {
    "assignment": _("assignment"),
    "first outreach": _("first outreach"),
    "response": _("response"),
    FIRST_CONVERSATION: _("first conversation"),
    FOLLOW_UP: _("follow-up conversation"),
    CLOSING: _("closing"),
}


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

    PEER_REQUEST = "peer_request", _("The peer asked for this supporter")
    CONTINUITY = "continuity", _("Continuity with an earlier supporter")
    SHARED_EXPERIENCE = "shared_experience", _("An experience in common the peer would value")
    LANGUAGE_OR_CULTURE = "language_or_culture", _("Language or culture")
    AVAILABILITY = "availability", _("Available at the time needed")
    OTHER = "other", _("Another program reason")


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
    TEXT = "text", _("Text message")
    CALL = "call", _("Phone call")
    EMAIL = "email", _("Email")
    PAGE = "page", _("Page")
    IN_PERSON = "in_person", _("In person")


class Response(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    NO_RESPONSE = "no_response", _("No response")


class EncounterMode(models.TextChoices):
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    IN_PERSON = "in_person", _("In person")


class GuideTopic(models.TextChoices):
    """The conversation guide's topics, in the order of a conversation."""

    OPENING = "opening", _("Opening and invitation")
    STORY = "story", _("Inviting the story")
    LISTENING = "listening", _("Listening and reflecting")
    NORMALIZING = "normalizing", _("Normalizing the reaction")
    REFRAMING = "reframing", _("Reframing")
    SENSE_MAKING = "sense_making", _("Making sense of it")
    COPING = "coping", _("Coping: sleep, home, time off")
    RESOURCES = "resources", _("Resources and follow-up")
    CLOSING = "closing", _("Closing")


class DeclineReason(models.TextChoices):
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict of interest")
    NO_CAPACITY = "no_capacity", _("No capacity right now")
    OTHER = "other", _("Other")


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
        REMINDER = "reminder", _("Reminder to the owner")
        ESCALATION = "escalation", _("Escalation to the director")

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

    HARD_CONVERSATION = "hard_conversation", _("A hard conversation")
    OWN_EXPERIENCE = "own_experience", _("It touched my own experience")
    WORRIED_ABOUT_PEER = "worried_about_peer", _("I'm worried about the peer")
    OTHER = "other", _("Other")


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


class BreakGlassReason(models.TextChoices):
    """Why an administrator opens a case in an emergency: fixed choices, no notes."""

    PEER_IN_CRISIS = "peer_in_crisis", _("A peer in crisis needs a supporter now")
    SAFETY_CONCERN = "safety_concern", _("A safety concern on this case needs someone to act")
    URGENT_ASSIGNMENT = "urgent_assignment", _("The case must be assigned now and no director can be reached")
    SUPPORTER_UNREACHABLE = "supporter_unreachable", _("The peer is waiting and their supporter cannot be reached")


class BreakGlassQuerySet(models.QuerySet["BreakGlassGrant"]):
    def live(self, now: datetime | None = None) -> "BreakGlassQuerySet":
        """Grants not yet expired: the gate asks this on every access, so an expired grant opens
        nothing with no job to run."""
        return self.filter(expires_at__gt=now or timezone.now())


class BreakGlassGrant(models.Model):
    """An administrator's emergency access to one case, for a stated reason, until `expires_at`.

    Written only by `case_break_glass` (cases/break_glass.py) when administrators may not see
    cases; read only by the gate (cases/access.py). Kept after it expires: it is part of the record
    of who saw the case and why.
    """

    administrator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass_grants")
    reason = models.CharField(max_length=30, choices=BreakGlassReason.choices)
    granted_at = models.DateTimeField(default=timezone.now)
    # Moved to the moment a director ends the grant early (`ended_by`), so the gate's one check
    # (`live`) holds either way.
    expires_at = models.DateTimeField()
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["administrator", "expires_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("granted_at")),
                                   name="break_glass_expires_after_granted"),
        ]

    def __str__(self) -> str:
        return f"Emergency access to {self.case} until {self.expires_at:%Y-%m-%d %H:%M}"
