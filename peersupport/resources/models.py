from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceCategory(models.TextChoices):
    COUNSELING = "counseling", _("Counseling")
    STRESS_REDUCTION = "stress_reduction", _("Stress reduction")
    MEDICOLEGAL = "medicolegal", _("Medicolegal advice")
    DISCLOSURE_COACHING = "disclosure_coaching", _("Disclosure and apology coaching")
    TIME_OFF = "time_off", _("Time off")
    CRISIS = "crisis", _("Crisis")
    OTHER = "other", _("Other")


class Resource(models.Model):
    """One entry of a program's resource directory: its own hospital's counseling, crisis lines, …

    Each program (hospital) keeps its own directory; a case is offered its own program's.
    """

    program = models.ForeignKey("program.Program", on_delete=models.PROTECT, related_name="resources")
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=30, choices=ResourceCategory.choices)
    contact = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]
        indexes = [
            # A program's directory, its crisis lines, what a case is offered.
            models.Index(fields=["program", "active", "category"], name="resource_program_active_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Saved without a program (a fixture, a shell), it is the default program's, as a login is.
        # The services always name the program.
        if self.program_id is None:
            from peersupport.program.models import Program  # the program app does not read resources

            self.program_id = Program.default().pk
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "program" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "program"]
        super().save(*args, **kwargs)
