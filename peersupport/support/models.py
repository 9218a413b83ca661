"""What the peer's own path keeps: requests for a link (for the rate limits) and used links.

Neither table holds a name. A request holds the address typed only until the worker has looked
it up (seconds later), then blanks it; the limits count keyed hashes, never addresses.
"""

from django.db import models
from django.utils import timezone


class AskRequest(models.Model):
    """One request for a personal link at /support/ask/, kept for the rate limits' window."""

    created_at = models.DateTimeField(default=timezone.now)
    # Keyed hashes (HMAC with SECRET_KEY) of the address typed and of the client's IP address.
    address_key = models.CharField(max_length=64)
    client_key = models.CharField(max_length=64)
    # The address typed, until the worker has looked it up; blank after.
    email = models.CharField(max_length=254, blank=True)
    source = models.CharField(max_length=30)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["address_key", "created_at"]),
            models.Index(fields=["client_key", "created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"Request for a link {self.pk}"


class LinkUse(models.Model):
    """A personal link that was used: its nonce is unique, so the same link cannot work twice."""

    nonce = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=20)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Used {self.purpose} link"
