from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.roster.models import RoleType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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

WEIGHT_LABELS: dict[str, "StrOrPromise"] = {
    "continuity": _("Supported this peer before"),
    "specialty": _("Same specialty"),
    "related_specialty": _("Related specialty"),
    "rank": _("Similar or higher rank"),
    "interventional": _("Interventionalist for a procedural event"),
    "role": _("Same professional role"),
    "experience": _("Experience with this kind of event"),
    "preference": _("The peer's own stated preferences"),
    "load": _("Fewer open cases"),
    "recency": _("Longer since last assignment"),
    "on_call": _("On call now"),
    "other_site": _("From another site"),
}


def default_served_roles() -> list[str]:
    return [RoleType.PHYSICIAN, RoleType.RESIDENT, RoleType.FELLOW]


def default_weights() -> dict[str, float]:
    return dict(DEFAULT_WEIGHTS)


class Program(models.Model):
    """A hospital's peer support program (or a group of sites' program) in the installation.

    Each has its own settings (`ProgramSettings`), logins (`accounts.User.program`), people (derived
    from their site, `ProgramSite`) and cases (`cases.Case.program`). The default program holds the
    people of every site no program names (an installation with one program maps no site at all).
    """

    name = models.CharField(max_length=200)
    short_name = models.SlugField(max_length=40, unique=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="one_default_program"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default(cls) -> "Program":
        """The program of the sites no program names; made as the first program if there is none."""
        program = cls.objects.filter(is_default=True).first()
        if program is None:
            program, _ = cls.objects.get_or_create(
                short_name=FIRST_PROGRAM_SHORT_NAME,
                defaults={"name": FIRST_PROGRAM_NAME, "is_default": True})
        return program


# The first program of an installation: what the data migration makes of a one-program installation.
FIRST_PROGRAM_NAME = "Peer support program"
FIRST_PROGRAM_SHORT_NAME = "main"


class ProgramSite(models.Model):
    """A site (as the roster writes it in `Person.site`) and the program its people belong to."""

    site = models.CharField(max_length=100, unique=True)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="sites")

    class Meta:
        ordering = ["site"]

    def __str__(self) -> str:
        return f"{self.site} ({self.program})"


def program_id_for_site(site: str, mapping: dict[str, int] | None = None) -> int:
    """The program of a person at this site: the one mapping it, else the default program.

    `mapping` (site -> program id, `site_mapping()`) spares a query per person in a bulk write.
    """
    if mapping is None:
        found = ProgramSite.objects.filter(site=site).values_list("program_id", flat=True).first()
        return found if found is not None else Program.default().pk
    return mapping.get(site) or mapping[""]


def site_mapping() -> dict[str, int]:
    """Every mapped site's program id, and the default program's under ""."""
    mapping = dict(ProgramSite.objects.values_list("site", "program_id"))
    mapping[""] = Program.default().pk
    return mapping


class ProgramSettings(models.Model):
    """A program's rules; one row per program, edited by its director."""

    program = models.OneToOneField(Program, null=True, on_delete=models.CASCADE, related_name="settings")

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
    # Whether the program administrator sees cases (PRODUCT.md: "case access only as the program
    # settings allow"). Off, the administrator sees none, and opens one in an emergency only
    # (break-glass, cases/break_glass.py) for this many hours.
    administrators_see_cases = models.BooleanField(default=True)
    break_glass_hours = models.PositiveSmallIntegerField(default=2)
    # Event categories (`referrals.Category` values) for which the program looks beyond its own
    # supporters by default, as if the peer had asked for someone from outside their hospital: the
    # other programs' supporters who agreed to be shared are suggested too (e.g. litigation).
    outside_supporter_categories = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "program settings"

    def __str__(self) -> str:
        return "Program settings"

    @classmethod
    def current(cls) -> "ProgramSettings":
        """The default program's settings: for what no single program implies (an installation
        with one program, a command run for the whole installation). Prefer `for_program`."""
        # One query when it exists, as before programs.
        return cls.objects.filter(program__is_default=True).first() or cls.for_program(Program.default())

    @classmethod
    def for_program(cls, program: "Program | int | None") -> "ProgramSettings":
        """This program's settings (made with the defaults if it has none yet); with no program,
        the default program's."""
        if program is None:
            program = Program.default()
        program_id = program if isinstance(program, int) else program.pk
        settings = cls.objects.filter(program_id=program_id).first()
        if settings is None:
            # A row written before programs (by pk, with no program) is the default program's.
            orphan = cls.objects.filter(program__isnull=True).order_by("pk").first()
            if orphan is not None and Program.objects.filter(pk=program_id, is_default=True).exists():
                orphan.program_id = program_id
                orphan.save(update_fields=["program"])
                return orphan
            settings, _ = cls.objects.get_or_create(program_id=program_id)
        return settings

    def looks_outside_for(self, category: str) -> bool:
        """Whether a case of this category is offered other programs' shared supporters by default."""
        return category in (self.outside_supporter_categories or [])

    def effective_weights(self) -> dict[str, float]:
        weights = default_weights()
        weights.update({k: float(v) for k, v in (self.weights or {}).items() if k in weights})
        return weights


def served_roles_by_program() -> dict[int | None, list[str]]:
    """Each program's served roles (its settings', else the settings' default), in one query; under
    None, the default program's (for a person with no program yet)."""
    served: dict[int | None, list[str]] = {}
    for program_id, roles, is_default in Program.objects.values_list("pk", "settings__served_role_types",
                                                                      "is_default"):
        served[program_id] = list(roles) if roles is not None else default_served_roles()
        if is_default:
            served[None] = served[program_id]
    if None not in served:  # no default program yet: the one `current()` makes
        served[None] = ProgramSettings.current().served_role_types
    return served


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
