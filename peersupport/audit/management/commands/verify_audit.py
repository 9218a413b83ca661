"""Check the audit trail's hash chain from the first entry to the last.

Prints `OK` with the number of entries and the head hash, or names the first entry that does
not verify (changed, or next to a deleted or inserted one) and exits with status 1. Reads in
primary-key order with a chunked iterator, so millions of entries need little memory. Keep the
printed head somewhere else (a ticket, the operations log): if the newest entries were ever
removed, the head would go back to an older value.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from peersupport.audit.chain import HASHED_FIELDS, verify_rows
from peersupport.audit.models import AuditEntry

CHUNK_SIZE = 5000


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero at the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, database: str, **options: Any) -> None:
        rows = (
            AuditEntry.objects.using(database)
            .order_by("pk")
            .values_list("pk", "prev_hash", "entry_hash", *HASHED_FIELDS)
            .iterator(chunk_size=CHUNK_SIZE)
        )
        try:
            report = verify_rows(rows)
        finally:
            rows.close()  # stopping early must still release the database cursor
        if not report.ok:
            raise CommandError(
                f"Audit trail BROKEN: {report.problem}. "
                f"The {report.count} entries before it verify (their head: {report.head})."
            )
        self.stdout.write(f"OK: {report.count} audit entries, chain intact. Head: {report.head}")
