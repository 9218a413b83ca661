"""Backing up and restoring the configured database, whichever engine it is.

SQLite: SQLite's online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot
while the application keeps running, into one self-contained file; a restore copies it back the
same way, page by page, into the configured database.

PostgreSQL: `pg_dump --format=custom`, and `pg_restore --clean --if-exists --no-owner` in one
transaction. The connection comes from the settings and is handed to the PostgreSQL tools in
their environment (PGHOST, PGUSER, PGPASSWORD, ...), so the password never appears on a command
line, where other users of the machine could read it.

A backup holds everything the program knows about its peers: it is written readable by its
owner only (mode 0600).
"""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from peersupport.audit.chain import seal_pending

# Filled in by `migrate` itself, so a freshly migrated database still counts as empty.
SEEDED_BY_MIGRATE = {"contenttypes.ContentType", "auth.Permission"}
# libpq's environment variables for the connection OPTIONS we pass on.
PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class BackupError(Exception):
    """Backup or restore could not be done; the message says why, without secrets."""


def backup_database(path: Path, *, using: str = DEFAULT_DB_ALIAS, force: bool = False) -> str:
    """Write a backup of the database to `path`; return a one-line description of what was done."""
    connection = connections[using]
    path = Path(path)
    if path.exists() and not force:
        raise BackupError(f"{path} already exists; pass --force to overwrite it.")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a directory.")
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    _audit_export(using, path)
    # The copy carries a trail sealed up to and including its own record.
    seal_pending(using)
    try:
        with _private_file(partial) as handle:
            if connection.vendor == "sqlite":
                handle.close()
                _sqlite_backup(connection, partial)
            elif connection.vendor == "postgresql":
                _run(_pg_tool("pg_dump"), "--format=custom", "--no-password",
                     env=_pg_env(connection.settings_dict), stdout=handle)
            else:
                raise BackupError(f"No backup for the {connection.vendor} database engine.")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return f"Backed up the {connection.vendor} database to {path} ({path.stat().st_size:,} bytes)."


def _audit_export(using: str, path: Path) -> None:
    """A backup is the largest export there is: recorded before the copy starts (so the backup
    holds its own record), with how many cases and people left the program, never who."""
    from peersupport.audit.services import audit_record
    from peersupport.cases.models import Case
    from peersupport.roster.models import Person

    audit_record(actor=None, action="export", object_type="database", object_id=path.name,
                 detail={"kind": "backup", "engine": connections[using].vendor,
                         "cases": Case.objects.using(using).count(),
                         "people": Person.objects.using(using).count()})


def restore_database(path: Path, *, using: str = DEFAULT_DB_ALIAS, force: bool = False) -> str:
    """Replace the database's contents with the backup at `path`.

    Refuses a database that already holds data unless `force`: a restore overwrites it all.
    """
    connection = connections[using]
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    if connection.vendor == "sqlite":
        source = _open_sqlite_backup(path)
        try:
            _refuse_unless_empty(connection, force)
            target = connection.settings_dict["NAME"]
            in_memory = connection.is_in_memory_db()  # type: ignore[attr-defined]  # SQLite's wrapper has it
            if not in_memory and Path(target).resolve() == path.resolve():
                raise BackupError("The backup is the database itself.")
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
    elif connection.vendor == "postgresql":
        pg_restore = _pg_tool("pg_restore")
        env = _pg_env(connection.settings_dict)
        # Reads the archive's table of contents: fails fast on a file that is not a pg_dump archive.
        _run(pg_restore, "--list", str(path), env=env, stdout=subprocess.DEVNULL)
        _refuse_unless_empty(connection, force)
        connection.close()
        _run(pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
             "--exit-on-error", "--no-password", f"--dbname={env['PGDATABASE']}", str(path), env=env)
    else:
        raise BackupError(f"No restore for the {connection.vendor} database engine.")
    counts = table_counts(using)
    return (f"Restored {path} into the {connection.vendor} database: "
            f"{sum(counts.values()):,} rows in {len(counts)} tables.")


def table_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows in every table of every installed model (and the migrations record), by table name."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    counts = {}
    for model in _concrete_models():
        table = model._meta.db_table
        if table in existing:
            counts[table] = model._base_manager.using(using).count()
    if "django_migrations" in existing:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM django_migrations")
            counts["django_migrations"] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def holds_data(connection: BaseDatabaseWrapper) -> bool:
    """Whether any model table has a row (beyond what `migrate` itself writes)."""
    existing = set(connection.introspection.table_names())
    return any(
        model._base_manager.using(connection.alias).exists()
        for model in _concrete_models()
        if model._meta.db_table in existing and model._meta.label not in SEEDED_BY_MIGRATE
    )


def _concrete_models() -> Iterator[Any]:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            yield model


def _refuse_unless_empty(connection: BaseDatabaseWrapper, force: bool) -> None:
    if not force and holds_data(connection):
        raise BackupError(
            "The configured database already holds data, which a restore would replace. "
            "Restore into a new, empty database, or pass --force to overwrite this one."
        )


@contextmanager
def _private_file(path: Path) -> Iterator[Any]:
    # Created 0600 before anything is written to it, and never over an existing file.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        yield handle


def _sqlite_backup(connection: BaseDatabaseWrapper, path: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # One step: a consistent snapshot, and under WAL the application keeps writing meanwhile.
        connection.connection.backup(target)
        # One self-contained file, whatever journal mode the live database uses.
        target.execute("PRAGMA journal_mode=DELETE")
        _check_sqlite_integrity(target, "The backup")
    finally:
        target.close()


def _open_sqlite_backup(path: Path) -> sqlite3.Connection:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        _check_sqlite_integrity(source, str(path))
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not an SQLite database: {error}") from error
    if "django_migrations" not in tables:
        source.close()
        raise BackupError(f"{path} is not a backup of this application's database.")
    return source


def _check_sqlite_integrity(database: sqlite3.Connection, what: str) -> None:
    result = database.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{what} failed SQLite's integrity check: {result}")


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found on PATH; install PostgreSQL's client tools "
                          "(the same major version as the server, or newer).")
    return found


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    values = {
        "PGDATABASE": settings_dict.get("NAME"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
    }
    options = settings_dict.get("OPTIONS") or {}
    values.update({variable: options.get(option) for option, variable in PG_OPTION_ENV.items()})
    env.update({key: str(value) for key, value in values.items() if value not in (None, "")})
    if not env.get("PGDATABASE"):
        raise BackupError("The database settings name no database.")
    return env


def _run(*command: str, env: dict[str, str], stdout: Any = None) -> None:
    result = subprocess.run(  # noqa: S603 - PostgreSQL's own tools, found on PATH; no shell  # nosec B603
        command, env=env, stdout=stdout, stderr=subprocess.PIPE, text=False, check=False
    )
    if result.returncode != 0:
        # The tools' own messages name the host, database and problem, never the password.
        message = result.stderr.decode(errors="replace").strip()
        raise BackupError(f"{Path(command[0]).name} failed (exit {result.returncode}): {message}")
