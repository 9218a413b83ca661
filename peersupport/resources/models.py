from django.db import models


class ResourceCategory(models.TextChoices):
    COUNSELING = "counseling", "Counseling"
    STRESS_REDUCTION = "stress_reduction", "Stress reduction"
    MEDICOLEGAL = "medicolegal", "Medicolegal advice"
    DISCLOSURE_COACHING = "disclosure_coaching", "Disclosure and apology coaching"
    TIME_OFF = "time_off", "Time off"
    CRISIS = "crisis", "Crisis"
    OTHER = "other", "Other"


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
