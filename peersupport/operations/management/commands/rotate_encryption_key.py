"""`manage.py rotate_encryption_key`: every encrypted column re-encrypted under the first of
FIELD_ENCRYPTION_KEYS, in batches, while the application runs (docs/security.md, "Encryption at rest")."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from peersupport.lib.encrypted_columns import (
    BATCH_SIZE,
    count_not_under_current_key,
    encrypted_tables,
    rewrite,
    to_current_key,
)
from peersupport.lib.encryption import InvalidToken


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column (peers' email and phone, the event's sentence, the outbox's emails) "
        "under the first key of FIELD_ENCRYPTION_KEYS, in batches; rows under an older key still read meanwhile, "
        "as long as that key stays in the list. Safe to stop and run again: rows already under the first key "
        "are skipped. "
        "With --hash-key, every keyed hash (the email's) is also rewritten under the first FIELD_HASH_KEY. "
        "With --check, nothing is written: the values still under an older key are counted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE,
                            help=f"Rows read and written per transaction (default {BATCH_SIZE:,}).")
        parser.add_argument("--hash-key", action="store_true",
                            help="Also rewrite each keyed hash under the first key of FIELD_HASH_KEY.")
        parser.add_argument("--check", action="store_true",
                            help="Write nothing; count the values still under an older key (exit 1 if any).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: default).")

    def handle(self, *args: Any, batch_size: int, hash_key: bool, check: bool, database: str,
               **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size is a number of rows, 1 or more.")
        tables = encrypted_tables()
        if check:
            behind = {t.model._meta.db_table: count_not_under_current_key(t, using=database, batch_size=batch_size)
                      for t in tables}
            for name, count in behind.items():
                self.stdout.write(f"{name}: {count:,} values under an older key")
            if any(behind.values()):
                raise CommandError("Some values are still under an older key: run rotate_encryption_key.")
            self.stdout.write("Every encrypted value is under the first key of FIELD_ENCRYPTION_KEYS.")
            return
        keys = len(settings.FIELD_ENCRYPTION_KEYS)
        self.stdout.write(f"Re-encrypting under the first of {keys} key{'s' if keys != 1 else ''} "
                          f"in batches of {batch_size:,}{', and rewriting the keyed hashes' if hash_key else ''}.")
        for table in tables:
            last = None
            try:
                for progress in rewrite(table.model, table.fields, to_current_key, using=database,
                                        batch_size=batch_size, hashes=table.hashes if hash_key else {}):
                    last = progress
                    self.stdout.write(f"{progress.table}: {progress.seen:,} rows read, {progress.changed:,} "
                                      f"rewritten (up to id {progress.last_pk})")
            except InvalidToken:
                raise CommandError(
                    f"{table.model._meta.db_table}: a value opens with none of FIELD_ENCRYPTION_KEYS. Was a key "
                    "removed before its rows were rotated? Put it back (last in the list) and run this again."
                ) from None
            if last is None:
                self.stdout.write(f"{table.model._meta.db_table}: no rows")
        self.stdout.write("Done: every encrypted value is under the first key. An older key can now be removed "
                          "from FIELD_ENCRYPTION_KEYS once every process runs with the new list.")

