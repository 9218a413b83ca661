"""The version of the facts the suggestions are made from, for the per-process cache."""

import secrets

from django.db import models, transaction
from django.db.models import F


class MatchingVersion(models.Model):
    """One row (pk 1) whose number goes up when a transaction commits any change the
    supporters' matching facts depend on: a supporter or a person saved or deleted, a case
    taking or leaving a supporter or changing state. A process keeps the facts it loaded
    under the number it read first, and reloads when the number has moved."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Matching version {self.number}"


def fresh_number() -> int:
    # A row made again (after a flush) starts somewhere new, so a number a process cached
    # facts under before cannot come back with other facts.
    return secrets.randbits(62)


def matching_version_bump() -> None:
    """Call inside the transaction that makes the change (signals do it for model saves).

    The number moves once that transaction commits, by one short statement of its own, so no
    transaction holds the row while it works: a long one (a joint plan of 200 assignments) never
    makes other changes queue behind it. A process that read the old number and loaded the old
    facts reloads at its next read; one that loaded the new facts under the old number reloads
    once more, harmlessly. A transaction that rolls back moves nothing. One move per transaction,
    however many changes it makes.
    """
    connection = transaction.get_connection()
    if any(callback is _bump_now for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(_bump_now)


def _bump_now() -> None:
    if not MatchingVersion.objects.filter(pk=1).update(number=F("number") + 1):
        MatchingVersion.objects.get_or_create(pk=1, defaults={"number": fresh_number()})


def matching_version() -> int | None:
    """The current number; None when the row is missing (then nothing is cached)."""
    return MatchingVersion.objects.filter(pk=1).values_list("number", flat=True).first()
