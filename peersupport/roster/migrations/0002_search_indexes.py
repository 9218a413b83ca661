"""Indexes for roster search on PostgreSQL; nothing on SQLite.

`PersonQuerySet.search` filters with Django's case-insensitive lookups, which PostgreSQL runs as
`UPPER("employee_id"::text) LIKE UPPER('E01%')` and `UPPER("name"::text) LIKE UPPER('% MAR%')`.
Each index is built on exactly that expression, so the planner can use it:

- a btree with `text_pattern_ops` on UPPER(employee_id): an id prefix (and an exact id, in any
  case) is a range scan, whatever the database's collation;
- a GIN trigram index (pg_trgm, `gin_trgm_ops`) on UPPER(name): the start of any word of a name.

pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
"""

from django.db import migrations

ID_PREFIX = "roster_person_employee_id_upper_prefix"
NAME_TRIGRAM = "roster_person_name_upper_trgm"
# The expressions as the ORM writes them (`UPPER("col"::text)`), so that the planner matches them.
CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f'CREATE INDEX IF NOT EXISTS "{ID_PREFIX}" ON "roster_person" ((UPPER("employee_id"::text)) text_pattern_ops)',
    f'CREATE INDEX IF NOT EXISTS "{NAME_TRIGRAM}" ON "roster_person" USING gin ((UPPER("name"::text)) gin_trgm_ops)',
]
DROP = [f'DROP INDEX IF EXISTS "{ID_PREFIX}"', f'DROP INDEX IF EXISTS "{NAME_TRIGRAM}"']


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CREATE:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP:
        schema_editor.execute(statement)
    # pg_trgm stays: dropping an extension is the database owner's decision.


class Migration(migrations.Migration):

    dependencies = [
        ("roster", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
