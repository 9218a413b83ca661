"""The audit trail becomes append-only and hash-chained.

1. `prev_hash` and `entry_hash` on every entry; existing entries are chained in primary-key
   order (the same digest `verify_audit` checks).
2. The actor can no longer be deleted from under an entry (PROTECT: SET_NULL would UPDATE it).
3. Database triggers refuse UPDATE and DELETE on the audit table: on PostgreSQL always (TRUNCATE,
   which `flush` uses, is not a row operation); on SQLite, DELETE is let through only while
   `manage.py flush` empties the whole database (see `peersupport.audit.guard`).
4. On PostgreSQL, `audit_chain_head()` serialises appends: it takes a transaction-level advisory
   lock and then reads the newest hash with a fresh snapshot, in one round trip.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Must match peersupport.audit.chain.CHAIN_LOCK.
CHAIN_LOCK = 0x61756469745F6C6B

POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_chain_head() RETURNS varchar
    LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
        -- VOLATILE: this query takes a fresh snapshot, after the lock, under READ COMMITTED.
        RETURN (SELECT entry_hash FROM audit_auditentry ORDER BY id DESC LIMIT 1);
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit entries are append-only: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()
    """,
]
POSTGRESQL_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
    "DROP FUNCTION IF EXISTS audit_chain_head()",
]
SQLITE_INSTALL = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_update
    BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_delete
    BEFORE DELETE ON audit_auditentry
    WHEN NOT audit_flush_allowed()
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused'); END
    """,
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
]


def chain_existing_entries(apps, schema_editor):
    from peersupport.audit.chain import GENESIS, HASHED_FIELDS, entry_digest

    AuditEntry = apps.get_model("audit", "AuditEntry")
    db = schema_editor.connection.alias
    prev = GENESIS
    batch = []
    for entry in AuditEntry.objects.using(db).order_by("pk").iterator(chunk_size=2000):
        entry.prev_hash = prev
        entry.entry_hash = entry_digest({name: getattr(entry, name) for name in HASHED_FIELDS}, prev)
        prev = entry.entry_hash
        batch.append(entry)
        if len(batch) >= 2000:
            AuditEntry.objects.using(db).bulk_update(batch, ["prev_hash", "entry_hash"])
            batch = []
    if batch:
        AuditEntry.objects.using(db).bulk_update(batch, ["prev_hash", "entry_hash"])


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL}),
            _run({"postgresql": POSTGRESQL_UNINSTALL, "sqlite": SQLITE_UNINSTALL}),
        ),
    ]
