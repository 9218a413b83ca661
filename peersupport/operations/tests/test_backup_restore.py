"""`manage.py backup` and `manage.py restore`, for real: a backup of the test database is restored
into a fresh database by a separate `manage.py restore` process, and the two are compared.

On SQLite always; on PostgreSQL when the suite runs there (DATABASE_URL), restoring into a
scratch database that the test creates and drops.
"""

import json
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from peersupport.audit.models import AuditEntry
from peersupport.front.tests.helpers import assign, refer
from peersupport.lib.subprocesses import MANAGE_PY, child_env, manage, postgres_url
from peersupport.notifications.models import OutboxMessage
from peersupport.operations import backup as backup_module
from peersupport.referrals.models import Referral
from peersupport.roster.models import Person
from peersupport.testing.factories import make_person

from .fingerprint import PRINT_FINGERPRINT, fingerprint

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def program(client, director, referrer, supporter_a):
    """A little of everything: referrals, cases, an assignment, emails, and audited reads."""
    peers = [make_person(name=f"Peer {n}", department="Emergency") for n in range(3)]
    referral = refer(referrer, *peers[:2])
    refer(referrer, peers[2])
    first = referral.cases.order_by("pk").first()
    assign(director, first, supporter_a, override_reason="other")
    client.force_login(director)
    assert client.get(reverse("case", args=[first.pk])).status_code == 200
    assert client.get(reverse("queue")).status_code == 200
    return SimpleNamespace(peers=peers, referral=referral)


@pytest.fixture
def fresh_database(tmp_path):
    """The DATABASE_URL of a new, empty database of the suite's engine."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restored"[:63]
    admin = psycopg.connect(
        dbname="postgres", user=settings_dict["USER"] or None, password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None, port=settings_dict["PORT"] or None, autocommit=True,
    )
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    try:
        admin.execute(drop)
        admin.execute(f'CREATE DATABASE "{name}"')
        yield postgres_url(settings_dict, name)
    finally:
        admin.execute(drop)
        admin.close()


def fingerprint_of(database_url: str) -> dict:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRINT_FINGERPRINT], env=child_env(database_url), cwd=MANAGE_PY.parent,
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_backup_restored_into_a_fresh_database_has_every_row_and_an_intact_audit_chain(
    program, tmp_path, fresh_database
):
    path = tmp_path / "peersupport.backup"
    call_command("backup", str(path), verbosity=0)
    original = fingerprint()

    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds every peer's name
    assert original["counts"][AuditEntry._meta.db_table] == len(original["audit"]) > 5
    assert original["counts"][Referral._meta.db_table] == 2
    assert original["counts"][OutboxMessage._meta.db_table] >= 3
    export = AuditEntry.objects.get(action="export")  # recorded before the copy: the backup holds it
    assert (export.object_type, export.object_id, export.via) == ("database", "peersupport.backup", "command")
    assert export.detail == {"kind": "backup", "engine": connection.vendor, "cases": 3,
                             "people": Person.objects.count()}

    restored = manage("restore", str(path), "--skip-checks", env=child_env(fresh_database))
    assert "Restored" in restored.stdout and "chain intact" in restored.stdout

    restored = fingerprint_of(fresh_database)
    # Everything as it was, and then the restore itself, chained on the last entry backed up.
    record = restored["audit"].pop()
    restored["counts"][AuditEntry._meta.db_table] -= 1
    assert restored == original
    assert (record["action"], record["object_id"]) == ("restore", "peersupport.backup")
    assert record["prev_hash"] == original["audit"][-1]["entry_hash"]
    assert record["detail"] == {"entries_restored": len(original["audit"])}
    verified = manage("verify_audit", "--skip-checks", env=child_env(fresh_database))
    assert verified.stdout.startswith(f"OK: {len(original['audit']) + 1} audit entries")


def test_restore_refuses_a_database_that_holds_data_unless_forced(program, tmp_path, referrer):
    path = tmp_path / "peersupport.backup"
    call_command("backup", str(path), verbosity=0)
    at_backup = fingerprint()
    refer(referrer, make_person(name="Later Peer"))  # written after the backup
    before_restore = fingerprint()

    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(path), verbosity=0)
    assert fingerprint() == before_restore

    call_command("restore", str(path), "--force", verbosity=0)
    restored = fingerprint()
    assert restored["audit"].pop()["action"] == "restore"
    restored["counts"][AuditEntry._meta.db_table] -= 1
    assert restored == at_backup
    assert not Referral.objects.filter(cases__peer__name="Later Peer").exists()


def test_backup_never_overwrites_a_file_unless_forced(db, tmp_path):
    path = tmp_path / "peersupport.backup"
    path.write_text("an earlier backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(path), verbosity=0)
    assert path.read_text() == "an earlier backup"
    call_command("backup", str(path), "--force", verbosity=0)
    assert path.read_bytes() != b"an earlier backup"


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database " * 100)
    before = fingerprint()
    with pytest.raises(CommandError):
        call_command("restore", str(path), "--force", verbosity=0)
    with pytest.raises(CommandError, match="not a file"):
        call_command("restore", str(tmp_path / "missing.backup"), "--force", verbosity=0)
    assert fingerprint() == before


def test_postgres_password_reaches_pg_dump_and_pg_restore_only_through_the_environment(
    tmp_path, monkeypatch
):
    secret = "s3cret-Pa55word"
    fake = SimpleNamespace(
        vendor="postgresql", alias="default",
        settings_dict={"NAME": "peersupport", "USER": "app", "PASSWORD": secret, "HOST": "db.internal",
                       "PORT": 5433, "OPTIONS": {"sslmode": "require"}},
        close=lambda: None,
    )
    calls = []

    def run(command, env, **kwargs):
        calls.append((list(command), env))
        return subprocess.CompletedProcess(command, 0, b"", b"")

    monkeypatch.setattr(backup_module, "connections", {"default": fake})
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup_module.subprocess, "run", run)
    monkeypatch.setattr(backup_module, "holds_data", lambda connection: False)
    monkeypatch.setattr(backup_module, "table_counts", lambda using: {})

    path = tmp_path / "peersupport.dump"
    backup_module.backup_database(path)
    backup_module.restore_database(path)

    assert [Path(command[0]).name for command, _ in calls] == ["pg_dump", "pg_restore", "pg_restore"]
    dump, _, restore = (command for command, _ in calls)
    assert "--format=custom" in dump
    assert {"--clean", "--if-exists", "--no-owner", "--single-transaction"} <= set(restore)
    for command, env in calls:
        assert not any(secret in argument for argument in command)
        assert env["PGPASSWORD"] == secret
        assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGDATABASE"], env["PGSSLMODE"]) == (
            "db.internal", "5433", "app", "peersupport", "require")
