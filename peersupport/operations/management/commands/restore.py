"""`manage.py restore PATH`: put a backup made by `manage.py backup` into the configured database."""

from pathlib import Path
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from peersupport.audit.chain import seal_pending
from peersupport.audit.models import AuditEntry
from peersupport.audit.services import audit_record
from peersupport.operations.backup import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database (SQLite: "
        "the online backup API; PostgreSQL: pg_restore --clean --if-exists --no-owner, in one "
        "transaction), then verify the audit trail's hash chain and record the restore in it. Refuses a database that "
        "already holds data unless --force. Stop the web app and the workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument(
            "--force", action="store_true",
            help="Restore even though the database holds data, replacing all of it.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: default).")

    def handle(self, *args: Any, path: Path, force: bool, database: str, **options: Any) -> None:
        try:
            done = restore_database(path, using=database, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] >= 1:
            self.stdout.write(done)
        if "verify_audit" in get_commands():
            # A restored trail must still verify; if not, say so loudly (exit status 1).
            call_command("verify_audit", database=database, stdout=self.stdout, stderr=self.stderr,
                         verbosity=options["verbosity"])
        if database == DEFAULT_DB_ALIAS:
            # The restored trail goes on with the restore itself: an older backup put back to
            # hide what came after it shows as such (and fails `verify_audit --anchor`).
            audit_record(actor=None, action="restore", object_type="database", object_id=path.name,
                         detail={"entries_restored": AuditEntry.objects.count()})
            seal_pending(database)  # chained on the last entry restored, now rather than in 5 s
            if options["verbosity"] >= 1:
                self.stdout.write("The restore is recorded in the audit trail.")
