"""The database's side of the append-only audit trail, where it needs help from Python.

PostgreSQL (production) refuses UPDATE and DELETE on the audit table with a row trigger
(migration 0002). Emptying the whole database with `manage.py flush` (the test suite between
transactional tests, `load_demo --reset`) uses TRUNCATE there, which row triggers do not see.

SQLite has no TRUNCATE: `flush` deletes row by row, which the same kind of trigger would refuse.
So the SQLite delete trigger asks `audit_flush_allowed()`, a function this module registers on
every connection the application opens, and which says yes only inside `whole_database_flush()`
(used by our `flush` command). A connection opened outside the application (the sqlite3 shell)
has no such function, so a DELETE there fails too; someone with the file can still drop the
trigger, and that is what the hash chain and `verify_audit` are for.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_flush_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("audit_flush_allowed", default=False)


@contextmanager
def whole_database_flush() -> Iterator[None]:
    token = _flush_allowed.set(True)
    try:
        yield
    finally:
        _flush_allowed.reset(token)


def _flush_allowed_now() -> int:
    return int(_flush_allowed.get())


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: give SQLite connections `audit_flush_allowed()`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("audit_flush_allowed", 0, _flush_allowed_now)
