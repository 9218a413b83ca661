"""For tests: run `manage.py` in a child process against the test's own database.

A worker that is killed, or a restore into a fresh database, has to be a real process. The
child sees what the test committed: on PostgreSQL it connects to the test database itself; on
SQLite, whose test database lives in the test process's memory, `SharedDatabase` copies it to a
file for the child (`publish`) and copies the child's changes back (`collect`), both with
SQLite's online backup API.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

MANAGE_PY = Path(settings.BASE_DIR) / "manage.py"


def postgres_url(settings_dict: dict[str, Any], name: str | None = None) -> str:
    """A DATABASE_URL for a PostgreSQL connection's settings, optionally naming another database."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{quote(name or settings_dict['NAME'], safe='')}"


class SharedDatabase:
    """The test database, as a DATABASE_URL a child process can use."""

    def __init__(self, directory: Path) -> None:
        self._file: Path | None = None
        if connection.vendor == "postgresql":
            self.url = postgres_url(connection.settings_dict)
        elif connection.vendor == "sqlite":
            if connection.is_in_memory_db():  # type: ignore[attr-defined]  # the SQLite wrapper (vendor above) has it
                self._file = directory / "shared.sqlite3"
                self.url = f"sqlite:///{self._file}"
            else:
                self.url = f"sqlite:///{connection.settings_dict['NAME']}"
        else:
            raise NotImplementedError(connection.vendor)

    def publish(self) -> None:
        """Make what the test committed visible to child processes."""
        if self._file is None:
            return
        connection.ensure_connection()
        target = sqlite3.connect(self._file)
        try:
            connection.connection.backup(target)
        finally:
            target.close()

    def collect(self) -> None:
        """Bring what child processes wrote back into the test's database."""
        if self._file is None:
            return
        connection.ensure_connection()
        source = sqlite3.connect(self._file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def child_env(database_url: str, **overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "SQLITE_TEST_NAME"}
    env.update(
        DJANGO_SETTINGS_MODULE="peersupport.settings",
        DATABASE_URL=database_url,
        PEERSUPPORT_ENV="development",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def start_manage(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start `manage.py ARGS` in a child process; the caller waits for it or kills it."""
    return subprocess.Popen(  # noqa: S603 - our own manage.py, arguments from the test  # nosec B603
        [sys.executable, str(MANAGE_PY), *args],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def manage(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `manage.py ARGS` in a child process to the end; fail with its output if it fails."""
    process = start_manage(*args, env=env)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        raise AssertionError(f"manage.py {' '.join(args)} timed out\n{stdout}\n{stderr}") from None
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} exited {result.returncode}\n{stdout}\n{stderr}")
    return result
