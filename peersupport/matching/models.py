"""The version of the facts the suggestions are made from, for the per-process cache."""

import secrets
from collections.abc import Iterable

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


class MatchingChange(models.Model):
    """What the change that moved the number to `number` touched: the supporters (ids) whose
    facts it changed, or None when it may have changed anyone's (a roster load, a person's
    record). A process that holds facts for an earlier number reloads only those supporters
    when every change since lists its supporters (an assignment lists one), and everything
    otherwise. Only the latest `CHANGES_KEPT` are kept: a process further behind reloads all."""

    number = models.BigIntegerField(unique=True)
    supporter_ids = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Matching change {self.number}"


CHANGES_KEPT = 1000


def fresh_number() -> int:
    # A row made again (after a flush) starts somewhere new, so a number a process cached
    # facts under before cannot come back with other facts.
    return secrets.randbits(62)


class _PendingBump:
    """The move a transaction will make when it commits: the supporters it touched so far."""

    def __init__(self) -> None:
        self.everyone = False
        self.supporter_ids: set[int] = set()

    def __call__(self) -> None:
        _bump_now(None if self.everyone else sorted(self.supporter_ids))


def matching_version_bump(supporter_ids: Iterable[int | None] | None = None) -> None:
    """Call inside the transaction that makes the change (signals do it for model saves), with
    the supporters whose facts it changes when it knows them (an assignment: the supporter, and
    the one it replaces); without, every supporter's facts are read again.

    The number moves once that transaction commits, by one short statement of its own, so no
    transaction holds the row while it works: a long one (a joint plan of 200 assignments) never
    makes other changes queue behind it. A process that read the old number and loaded the old
    facts reloads at its next read; one that loaded the new facts under the old number reloads
    once more, harmlessly. A transaction that rolls back moves nothing. One move per transaction,
    however many changes it makes.
    """
    connection = transaction.get_connection()
    pending = next((callback for _, callback, _ in connection.run_on_commit if isinstance(callback, _PendingBump)),
                   None)
    registered = pending is not None
    pending = pending or _PendingBump()
    if supporter_ids is None:
        pending.everyone = True
    else:
        pending.supporter_ids.update(pk for pk in supporter_ids if pk is not None)
    if not registered:
        # Last: outside a transaction, on_commit runs it at once.
        transaction.on_commit(pending)


def _bump_now(supporter_ids: list[int] | None) -> None:
    # The row stays locked from the UPDATE to this short transaction's commit, so numbers commit
    # in order, each with its change: whoever reads number N finds every change up to N.
    with transaction.atomic():
        if not MatchingVersion.objects.filter(pk=1).update(number=F("number") + 1):
            MatchingVersion.objects.get_or_create(pk=1, defaults={"number": fresh_number()})
            return
        number = MatchingVersion.objects.filter(pk=1).values_list("number", flat=True).get()
        MatchingChange.objects.create(number=number, supporter_ids=supporter_ids)
        if number % 100 == 0:
            MatchingChange.objects.filter(number__lte=number - CHANGES_KEPT).delete()


def matching_version() -> int | None:
    """The current number; None when the row is missing (then nothing is cached)."""
    return MatchingVersion.objects.filter(pk=1).values_list("number", flat=True).first()
