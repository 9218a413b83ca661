"""`manage.py backup PATH`: a consistent backup of the configured database, while it runs."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from peersupport.operations.backup import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Back up the configured database to PATH: SQLite's online backup (one file) or, on "
        "PostgreSQL, pg_dump --format=custom. The file is readable by its owner only; it holds "
        "everything the program knows about its peers, so keep it as carefully as the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The file to write.")
        parser.add_argument("--force", action="store_true", help="Overwrite PATH if it exists.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: default).")

    def handle(self, *args: Any, path: Path, force: bool, database: str, **options: Any) -> None:
        try:
            done = backup_database(path, using=database, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] >= 1:
            self.stdout.write(done)
