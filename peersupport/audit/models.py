from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone

from peersupport.audit import chain


class AuditTrailImmutable(Exception):
    """The audit trail is append-only: entries are never changed or deleted by the application."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """New entries join the hash chain; existing ones can be read, never changed."""

    def bulk_create(self, objs: Iterable["AuditEntry"], *args: Any, **kwargs: Any) -> list["AuditEntry"]:
        entries = list(objs)
        if not entries:
            return entries
        with transaction.atomic(using=self.db, savepoint=False):
            chain.seal(entries, using=self.db)
            return super().bulk_create(entries, *args, **kwargs)

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
    refuse, and a database trigger refuses UPDATE and DELETE from anywhere else.
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
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["at"]),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditTrailImmutable("Audit entries cannot be changed.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        kwargs["force_insert"] = True
        with transaction.atomic(using=using, savepoint=False):
            chain.seal([self], using=using)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailImmutable("Audit entries cannot be deleted.")
