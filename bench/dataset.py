"""The benchmarks' data: the generated health system, built once per database and reused.

`manage.py generate_health_system --staff 100000 --supporters 5000 --years 5 --seed 1` takes
about a minute per database, so the result is kept and reused while it is still what the code
would build today. The cache key is the generator's arguments and seed, the latest migration of
every app, and a hash of peersupport/demo/health_system.py: a change to any of them rebuilds it.

- SQLite: `bench/.data/health-system-<key>.sqlite3` (gitignored). Each run works on a copy.
- PostgreSQL: the database named by BENCH_DATABASE_URL (default DEFAULT_POSTGRES_URL), its key
  in the database's comment. Each run works on `<name>_run`, made with
  `CREATE DATABASE <name>_run TEMPLATE <name>` (a file copy) and dropped afterwards.

The benchmarks write (audit rows of every read, a plan applied, referrals, 100,000 more people,
the outbox), so they never touch the kept data set itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / "bench" / ".data"
GENERATOR = ROOT / "peersupport" / "demo" / "health_system.py"
ARGUMENTS = {"staff": 100_000, "supporters": 5_000, "years": 5, "seed": 1}
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench_hs"
SCRATCH_SUFFIX = "_run"
# The comment on a PostgreSQL data set this module built (then its key): only such a database is
# ever dropped and rebuilt.
LABEL = "peersupport bench health system"


class Unavailable(Exception):
    """The database cannot be used here (e.g. the PostgreSQL server is unreachable)."""


def cache_key() -> str:
    """What the data set depends on; Django must be set up (for the migration graph)."""
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    leaves = sorted(f"{app}.{name}" for app, name in graph.leaf_nodes())
    from django.conf import settings

    # The data set's peers are encrypted under these keys: under other keys it cannot be read.
    keys = ",".join([*settings.FIELD_ENCRYPTION_KEYS, *settings.FIELD_HASH_KEYS])
    facts = {"arguments": ARGUMENTS, "migrations": leaves,
             "generator": hashlib.sha256(GENERATOR.read_bytes()).hexdigest(),
             "keys": hashlib.sha256(keys.encode()).hexdigest()}
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]


def _manage(database_url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("PEERSUPPORT_ENV", None)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def _generate(database_url: str) -> float:
    """Migrate an empty database and generate the health system into it; seconds taken."""
    started = time.monotonic()
    _manage(database_url, "migrate", "--noinput", "-v", "0")
    _manage(database_url, "generate_health_system", *(f"--{name}={value}" for name, value in ARGUMENTS.items()))
    return time.monotonic() - started


def sqlite_scratch(key: str, scratch_dir: Path) -> tuple[str, str]:
    """A copy of the SQLite data set for this run (building it first if needed): its URL, and how
    the data set was obtained."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    kept = CACHE_DIR / f"health-system-{key}.sqlite3"
    how = "reused"
    if not kept.exists():
        for stale in CACHE_DIR.glob("health-system-*"):
            stale.unlink()
        building = CACHE_DIR / f"building-{key}.sqlite3"
        for leftover in CACHE_DIR.glob(f"{building.name}*"):
            leftover.unlink()
        print(f"bench: building the health system on SQLite ({ARGUMENTS}), about a minute...", flush=True)
        seconds = _generate(f"sqlite:///{building}")
        with sqlite3.connect(building) as db:  # everything in the one file, so a copy is whole
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("PRAGMA journal_mode=DELETE")
        building.rename(kept)
        how = f"built in {seconds:.0f} s"
    copy = scratch_dir / "bench.sqlite3"
    shutil.copyfile(kept, copy)
    return f"sqlite:///{copy}", how


def _admin(url: str):  # type: ignore[no-untyped-def]  # a psycopg connection
    import psycopg

    parts = urlsplit(url)
    try:
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise Unavailable(f"PostgreSQL at {parts.hostname}:{parts.port or 5432} is unreachable: "
                          f"{str(error).strip().splitlines()[0]}") from error


def _with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _comment(admin, name: str) -> str | None:  # type: ignore[no-untyped-def]
    row = admin.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                        (name,)).fetchone()
    return None if row is None else (row[0] or "")


def _drop(admin, name: str) -> None:  # type: ignore[no-untyped-def]
    from psycopg import sql

    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def postgres_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL)


def postgres_scratch_url() -> str:
    url = postgres_url()
    return _with_name(url, urlsplit(url).path.lstrip("/") + SCRATCH_SUFFIX)


def postgres_check() -> None:
    """Raise Unavailable when the server cannot be reached."""
    _admin(postgres_url()).close()


def postgres_scratch(key: str) -> tuple[str, str]:
    """A scratch copy of the PostgreSQL data set (building it first if needed): its URL, and how
    the data set was obtained."""
    from psycopg import sql

    url = postgres_url()
    name = urlsplit(url).path.lstrip("/")
    label = f"{LABEL} {key}"
    admin = _admin(url)
    try:
        how = "reused"
        comment = _comment(admin, name)
        if comment is not None and not comment.startswith(LABEL):
            raise Unavailable(f"the database {name} exists and is not a data set this benchmark built: it is "
                              "never dropped; name another in BENCH_DATABASE_URL")
        if comment != label:
            building = f"{name}_building"
            _drop(admin, building)
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
            print(f"bench: building the health system on PostgreSQL ({name}, {ARGUMENTS}), about a minute...",
                  flush=True)
            seconds = _generate(_with_name(url, building))
            _drop(admin, name)
            admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(building),
                                                                           sql.Identifier(name)))
            admin.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(label)))
            how = f"built in {seconds:.0f} s"
        scratch = name + SCRATCH_SUFFIX
        _drop(admin, scratch)
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(scratch), sql.Identifier(name)))
    finally:
        admin.close()
    return _with_name(url, scratch), how


def postgres_drop_scratch() -> None:
    url = postgres_url()
    admin = _admin(url)
    try:
        _drop(admin, urlsplit(url).path.lstrip("/") + SCRATCH_SUFFIX)
    finally:
        admin.close()
