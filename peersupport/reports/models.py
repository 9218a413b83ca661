from django.db import models
from django.utils import timezone


class SuppressionResult(models.Model):
    """Which figures of one table's year are hidden, for one state of its counts.

    The key is a hash of the table's shape, the threshold and the year's counts: a past year's
    counts no longer change, so it is worked out once, by whichever process asks first.
    """

    key = models.CharField(max_length=64, unique=True)
    # [[period slug, row index or null, column index or null], ...]
    hidden = models.JSONField(default=list)
    computed_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"Suppression {self.key[:12]}"
