"""Seal what is waiting, then check the audit trail's hash chain from the first entry to the last.

First it seals the entries committed since the sealing step last ran (`seal_audit`), and says
how many waited and for how long (`--no-seal` checks only what is already sealed). Then it
prints `OK` with the number of entries and the head hash, or names the first entry that does
not verify (changed, or next to a deleted or inserted one) and exits with status 1. Reads in
the chain's order with a chunked iterator, so millions of entries need little memory.

A chain cannot show on its own that its newest entries were removed, or that everything after
some entry was rewritten with fresh hashes: both leave a chain that verifies. `--anchor FILE`
closes that gap. Each run that verifies writes the head it saw to FILE; the next run requires
that entry still to be in the trail, so a trail cut back, or rewritten, behind it fails. Keep
FILE where the database's administrators cannot write (another machine, a write-once store).
"""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from peersupport.audit.chain import HASHED_FIELDS, ChainReport, pending, seal_pending, verify_rows
from peersupport.audit.models import AuditEntry

CHUNK_SIZE = 5000


class Command(BaseCommand):
    help = (
        "Seal the audit entries waiting for it, then verify the audit trail's hash chain; exits "
        "non-zero at the first broken link. With "
        "--anchor FILE, also require the head recorded in FILE by the last run to be still in the "
        "trail, then record the new head there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--anchor", type=Path, metavar="FILE",
                            help="A file (outside the database's reach) holding the head of the last run.")
        parser.add_argument("--no-seal", action="store_true",
                            help="Verify only what is sealed already; seal nothing.")

    def handle(self, *args: Any, database: str, anchor: Path | None, no_seal: bool, **options: Any) -> None:
        now = timezone.now()
        waiting = pending(database)
        sealed = 0 if no_seal or not waiting.count else seal_pending(database)
        rows = (
            AuditEntry.objects.using(database)
            .filter(seal_seq__isnull=False)
            .order_by("seal_seq")
            .values_list("pk", "prev_hash", "entry_hash", *HASHED_FIELDS)
            .iterator(chunk_size=CHUNK_SIZE)
        )
        try:
            report = verify_rows(rows)
        finally:
            rows.close()  # type: ignore[attr-defined]  # a generator (the stubs say Iterator); stopping early must still release the cursor
        if not report.ok:
            raise CommandError(
                f"Audit trail BROKEN: {report.problem}. "
                f"The {report.count} entries before it verify (their head: {report.head})."
            )
        if anchor is not None:
            self._check_anchor(anchor, report, database)
            _write_anchor(anchor, report)
        self.stdout.write(f"OK: {report.count} audit entries, chain intact. Head: {report.head}")
        if sealed:
            self.stdout.write(f"Sealed {sealed} of them first; the oldest had waited "
                              f"{waiting.age_seconds(now):.1f} s.")
        left = pending(database)
        if left.count:
            self.stdout.write(f"{left.count} entr{'y' if left.count == 1 else 'ies'} "
                              f"{'is' if left.count == 1 else 'are'} not sealed yet, the oldest for "
                              f"{left.age_seconds(timezone.now()):.1f} s"
                              + (": run without --no-seal to seal them." if no_seal else
                                 " (written while this ran)."))

    def _check_anchor(self, anchor: Path, report: ChainReport, database: str) -> None:
        if not anchor.exists():
            self.stdout.write(f"No anchor at {anchor} yet: this run's head is recorded there.")
            return
        try:
            last = json.loads(anchor.read_text())
            count, head, at = int(last["count"]), str(last["head"]), str(last["at"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"{anchor} is not an anchor written by verify_audit ({error}).") from None
        # The chain verifies from the start, so if the recorded head is still in it, everything up
        # to it is exactly as it was then.
        still_there = count == 0 or AuditEntry.objects.using(database).filter(entry_hash=head).exists()
        if report.count < count or not still_there:
            raise CommandError(
                f"Audit trail CUT BACK OR REWRITTEN: on {at} it held {count} entries with head {head}, "
                f"which it no longer contains (it now holds {report.count}). Entries were removed from "
                "its end, or everything after some entry was rewritten. The anchor is left as it was."
            )


def _write_anchor(anchor: Path, report: ChainReport) -> None:
    """Replace the anchor in one step, so a crash never leaves half a file."""
    content = json.dumps({"count": report.count, "head": report.head, "at": timezone.now().isoformat()})
    handle, partial = tempfile.mkstemp(dir=anchor.parent, prefix=f".{anchor.name}.")
    with os.fdopen(handle, "w") as out:
        out.write(content + "\n")
    os.replace(partial, anchor)
