"""Where a program made itself known, and when: the publicity checklist.

Each program (hospital) keeps its own. A place is a kind of occasion (grand rounds, a newsletter,
…): the five every program starts with, and any its director or administrator add. Each time the
program was presented there is one dated tick, so a place can be done many times and the reports
can set those dates beside the referrals that followed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

PLACE_NAME_MAX_LENGTH = 80


class PublicityPlace(models.Model):
    program = models.ForeignKey("program.Program", on_delete=models.PROTECT, related_name="publicity_places")
    name = models.CharField(max_length=PLACE_NAME_MAX_LENGTH)
    # The places every program starts with; the others were added by the program's staff.
    built_in = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="publicity_place_once_per_program"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name as the reader's language says it: the five starting places are translated."""
        return gettext(self.name) if self.built_in else self.name


class PublicityDate(models.Model):
    """One time the program was presented at a place (a talk, an issue of a newsletter, …)."""

    place = models.ForeignKey(PublicityPlace, on_delete=models.CASCADE, related_name="dates")
    done_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-done_on", "-pk"]
        indexes = [models.Index(fields=["done_on"])]
        constraints = [
            models.UniqueConstraint(fields=["place", "done_on"], name="publicity_date_once_per_place_and_day"),
        ]

    def __str__(self) -> str:
        return f"{self.place} on {self.done_on}"
