"""Where the program made itself known, and when: the publicity checklist.

A place is a kind of occasion (grand rounds, a newsletter, …): the five the program starts with,
and any the director or administrator add. Each time the program was presented there is one
dated tick, so a place can be done many times and the reports can set those dates beside the
referrals that followed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

PLACE_NAME_MAX_LENGTH = 80


class PublicityPlace(models.Model):
    name = models.CharField(max_length=PLACE_NAME_MAX_LENGTH, unique=True)
    # The places every program starts with; the others were added by the program's staff.
    built_in = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


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
