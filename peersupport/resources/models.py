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
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=30, choices=ResourceCategory.choices)
    contact = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name
