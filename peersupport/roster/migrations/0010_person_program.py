"""Each person's program (derived from their site; filled for existing rows by program 0007), a
supporter's opt-in to be shared across programs, and the index of a program's roster by name.

Adding the nullable column keeps roster_person as it is on SQLite; reversing drops it by rebuilding
the table, which drops the search indexes of 0003 and 0004 with it: they are created again then.
"""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def search_indexes_again(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for name in ("0003_sqlite_employee_id_nocase", "0004_sqlite_name_trigram"):
        import_module(f"peersupport.roster.migrations.{name}").create(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("program", "0006_program_and_sites"),
        ("roster", "0009_person_language"),
    ]

    operations = [
        # Reversed last: the search indexes come back after the column is dropped.
        migrations.RunPython(migrations.RunPython.noop, search_indexes_again, elidable=False),
        migrations.AddField(
            model_name="person",
            name="program",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="people", to="program.program"),
        ),
        migrations.AddField(
            model_name="supporter",
            name="shared_across_programs",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["program", "name"], name="person_program_name_idx"),
        ),
    ]
