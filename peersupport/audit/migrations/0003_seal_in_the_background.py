"""The audit trail is sealed in the background: no request waits on a global lock any more.

1. Entries get `seal_seq`, their place in the chain, given by the sealing step
   (`peersupport.audit.chain.seal_pending`). Every existing entry was chained at insert in
   primary-key order, so its place is its primary key: the chain and its head stay exactly as
   they were, and the sealing step carries on after the highest.
2. A partial index on the entries still waiting to be sealed.
3. The triggers still refuse UPDATE and DELETE, except the one UPDATE the sealing step makes:
   giving an entry that has no place yet its place and hashes, with every other column unchanged.
4. On PostgreSQL, `audit_chain_head()`, which took the global advisory lock in every audited
   transaction, is dropped.
"""

from django.db import migrations, models

# Every column but the three the sealing step fills in, unchanged by the sealing UPDATE.
CONTENT_COLUMNS = ("id", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "via", "ip",
                   "detail")

PG_UNCHANGED = "\n          AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in CONTENT_COLUMNS)
SQLITE_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in CONTENT_COLUMNS)

POSTGRESQL_DROP_OLD = [
    "DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_chain_head()",
]
POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.seal_seq IS NULL AND NEW.seal_seq IS NOT NULL
          AND {PG_UNCHANGED} THEN
            RETURN NEW;  -- the sealing step gives a new entry its place in the chain
        END IF;
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
# Put back by a reverse migration: migration 0002's function and triggers.
POSTGRESQL_RESTORE_OLD = [
    "DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry",
    """
    CREATE OR REPLACE FUNCTION audit_chain_head() RETURNS varchar
    LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(7022629598040910955);
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
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
]
SQLITE_DELETE_TRIGGER = """
    CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_delete
    BEFORE DELETE ON audit_auditentry
    WHEN NOT audit_flush_allowed()
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused'); END
"""
SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_update
    BEFORE UPDATE ON audit_auditentry
    WHEN NOT (OLD.seal_seq IS NULL AND NEW.seal_seq IS NOT NULL AND {SQLITE_UNCHANGED})
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END
    """,
    SQLITE_DELETE_TRIGGER,
]
SQLITE_RESTORE_OLD = [
    *SQLITE_DROP,
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_update
    BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END
    """,
    SQLITE_DELETE_TRIGGER,
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_append_only_hash_chain"),
    ]

    operations = [
        # The old triggers go first: SQLite rebuilds the table below, and the entries are numbered.
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_DROP_OLD, "sqlite": SQLITE_DROP}),
            _run({"postgresql": POSTGRESQL_RESTORE_OLD, "sqlite": SQLITE_RESTORE_OLD}),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seal_seq",
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunSQL("UPDATE audit_auditentry SET seal_seq = id", migrations.RunSQL.noop, elidable=False),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(condition=models.Q(("seal_seq__isnull", True)), fields=["id"], name="audit_unsealed"),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL}),
            _run({"postgresql": ["DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry"],
                  "sqlite": SQLITE_DROP}),
        ),
    ]
