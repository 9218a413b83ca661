"""A trigram index of names for the name search on SQLite; nothing on PostgreSQL (0002 has one).

`PersonQuerySet.search` finds the start of any word of a name: `name LIKE 'mar%'` or
`name LIKE '% mar%'`, which no B-tree can answer, so SQLite walked the roster in name order until
a page was full: quick for a common name, the whole roster for a rare one. An FTS5 table with the
trigram tokenizer (SQLite 3.34+) indexes every three characters of each name; a search of three
characters or more reads from it the ids of the names that contain the text anywhere, in any case,
and the search's own conditions then keep exactly the people they always found.

The table holds no copy of the names (`content=`, read from roster_person) and triggers keep it
current. A later migration that rebuilds roster_person on SQLite (as Django does for many field
changes) drops the triggers with the old table: roster/tests/test_search_plans.py fails until that
migration runs this one's CREATE again.
"""

from django.db import migrations

NAME_TRIGRAM = "roster_person_name_trigram"
CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS "{NAME_TRIGRAM}"
        USING fts5(name, content='roster_person', content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER IF NOT EXISTS "{NAME_TRIGRAM}_insert" AFTER INSERT ON "roster_person" BEGIN
        INSERT INTO "{NAME_TRIGRAM}" (rowid, name) VALUES (new.id, new.name);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS "{NAME_TRIGRAM}_delete" AFTER DELETE ON "roster_person" BEGIN
        INSERT INTO "{NAME_TRIGRAM}" ("{NAME_TRIGRAM}", rowid, name) VALUES ('delete', old.id, old.name);
    END""",
    # An upsert sets every column: only a changed name (or id) is indexed again.
    f"""CREATE TRIGGER IF NOT EXISTS "{NAME_TRIGRAM}_update" AFTER UPDATE OF id, name ON "roster_person"
        WHEN old.name IS NOT new.name OR old.id IS NOT new.id BEGIN
        INSERT INTO "{NAME_TRIGRAM}" ("{NAME_TRIGRAM}", rowid, name) VALUES ('delete', old.id, old.name);
        INSERT INTO "{NAME_TRIGRAM}" (rowid, name) VALUES (new.id, new.name);
    END""",
    # The people already on the roster.
    f"""INSERT INTO "{NAME_TRIGRAM}" ("{NAME_TRIGRAM}") VALUES ('rebuild')""",
]
DROP = [
    f'DROP TRIGGER IF EXISTS "{NAME_TRIGRAM}_insert"',
    f'DROP TRIGGER IF EXISTS "{NAME_TRIGRAM}_delete"',
    f'DROP TRIGGER IF EXISTS "{NAME_TRIGRAM}_update"',
    f'DROP TABLE IF EXISTS "{NAME_TRIGRAM}"',
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in CREATE:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("roster", "0003_sqlite_employee_id_nocase"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
