"""An index for the employee id search on SQLite; nothing on PostgreSQL (0002 indexes it there).

`PersonQuerySet.search` filters with `employee_id__istartswith`, which SQLite runs as
`"employee_id" LIKE 'e0123%' ESCAPE '\\'`: case-insensitive for ASCII letters, as SQLite's LIKE is.
SQLite answers such a LIKE from an index (its "LIKE optimization": a range on the prefix, the LIKE
still checked on each row found) only when the column is indexed with the NOCASE collation, the
same ASCII-only case folding as LIKE's. The unique constraint's index compares bytes (BINARY), so
it cannot serve it, and without this one each search reads the whole roster.
"""

from django.db import migrations

ID_NOCASE = "roster_person_employee_id_nocase"
CREATE = f'CREATE INDEX IF NOT EXISTS "{ID_NOCASE}" ON "roster_person" ("employee_id" COLLATE NOCASE)'
DROP = f'DROP INDEX IF EXISTS "{ID_NOCASE}"'


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("roster", "0002_search_indexes"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
