from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditTrailImmutable(Exception):
    """The audit trail is append-only: entries are never changed or deleted by the application."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """New entries are inserted (the sealing step chains them); existing ones are never changed."""

    def update(self, **kwargs: Any) -> int:
        raise AuditTrailImmutable("Audit entries cannot be changed.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AuditTrailImmutable("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailImmutable("Audit entries cannot be deleted.")

    def _raw_delete(self, using: str | None) -> int:
        raise AuditTrailImmutable("Audit entries cannot be deleted.")

    def for_object(self, object_type: str, object_id: int | str) -> "AuditEntryQuerySet":
        return self.filter(object_type=object_type, object_id=str(object_id))


class AuditEntry(models.Model):
    """Who did what to which object, when, from where. Never the content of a conversation.

    Append-only and hash-chained (see `peersupport.audit.chain`): `save()` inserts a new entry
    and refuses to change an existing one, `delete()` and the QuerySet's `update()`/`delete()`
    refuse, and a database trigger refuses UPDATE and DELETE from anywhere else, except the
    sealing step's one UPDATE that gives a new entry its place in the chain.
    """

    at = models.DateTimeField(default=timezone.now)
    # A login that has acted is deactivated, never deleted: its entries keep pointing at it
    # (SET_NULL would have to UPDATE the trail, which the trigger refuses).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept even if the login is later renamed.
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=50)
    object_type = models.CharField(max_length=30)
    object_id = models.CharField(max_length=40, blank=True)
    via = models.CharField(max_length=10, blank=True)  # web, api, worker, command
    ip = models.GenericIPAddressField(null=True, blank=True)
    # Field names and ids only: no peer's story, ever.
    detail = models.JSONField(default=dict, blank=True)
    # Set once, by the sealing step (`peersupport.audit.chain.seal_pending`), never in a request:
    # the entry's place in the chain, the hash of the entry before it, and its own hash.
    seal_seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    entry_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["at"]),
            # The few entries waiting to be sealed, found without reading the whole trail.
            models.Index(fields=["id"], condition=models.Q(seal_seq__isnull=True), name="audit_unsealed"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditTrailImmutable("Audit entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailImmutable("Audit entries cannot be deleted.")
