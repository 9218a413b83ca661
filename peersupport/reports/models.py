from django.db import models
from django.utils import timezone

from peersupport.program.models import Program


class SuppressionResult(models.Model):
    """Which figures of one table's year are hidden, for one state of its counts.

    The key is a hash of the table's shape, the threshold and the year's counts: a past year's
    counts no longer change, so it is worked out once, by whichever process asks first.
    """

    key = models.CharField(max_length=64, unique=True)
    # A hash of the shape alone (family, year, tables, threshold): a year whose newest counts are
    # not worked out yet is shown as its latest worked-out state (`facts`), see `layout.Joint`.
    shape = models.CharField(max_length=64, blank=True, db_index=True)
    # The counts the hidden figures were worked out for: [[dims, column, month slug, n], ...].
    facts = models.JSONField(null=True, blank=True)
    # [[period slug, row index or null, column index or null], ...]
    hidden = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"Suppression {self.key[:12]}"


# The RISE cost-benefit study's estimate of what one nurse's use of peer support saved (turnover
# and time off avoided): Moran et al., Journal of Patient Safety 2020.
DEFAULT_SAVING_PER_CLINICIAN = 22_576
# What an hour of a supporter's time costs the hospital: a clinician's hour, salary and benefits.
# An assumption to replace with the hospital's own figure.
DEFAULT_SUPPORTER_HOURLY_COST = 100
DEFAULT_DIRECTOR_HOURLY_COST = 120
DEFAULT_PROGRAM_NAME = "Peer Support Program"
# Training, the coordinator's time, materials: nothing until the director says.
DEFAULT_OTHER_COSTS_PER_YEAR = 0


class DeckSettings(models.Model):
    """A program's case-for-support deck assumptions; one row per program, edited by its director.
    The director's hours come from the program's planner assumptions (`PlannerSettings`)."""

    program = models.OneToOneField("program.Program", on_delete=models.CASCADE, related_name="deck_settings")
    program_name = models.CharField(max_length=120, default=DEFAULT_PROGRAM_NAME)
    saving_per_clinician = models.PositiveIntegerField(default=DEFAULT_SAVING_PER_CLINICIAN)
    supporter_hourly_cost = models.PositiveIntegerField(default=DEFAULT_SUPPORTER_HOURLY_COST)
    director_hourly_cost = models.PositiveIntegerField(default=DEFAULT_DIRECTOR_HOURLY_COST)
    other_costs_per_year = models.PositiveIntegerField(default=DEFAULT_OTHER_COSTS_PER_YEAR)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "deck settings"

    def __str__(self) -> str:
        return "Deck settings"

    @classmethod
    def for_program(cls, program_id: int) -> "DeckSettings":
        """The program's saved row, or the defaults under the program's own name (unsaved: reading
        the deck writes nothing)."""
        found = cls.objects.filter(program_id=program_id).first()
        if found is not None:
            return found
        name = Program.objects.filter(pk=program_id).values_list("name", flat=True).first()
        return cls(program_id=program_id, program_name=(name or DEFAULT_PROGRAM_NAME)[:120])
