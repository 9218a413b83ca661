"""A person's language: the one the program writes to them in, and their pages follow once signed
in (peersupport.lib.i18n.language_of). Everyone starts in English.

On SQLite, adding a column with a default rebuilds roster_person, which drops the NOCASE index of
0003 and the name trigram triggers of 0004 with the old table: both are created again, forwards
and back.
"""

from importlib import import_module

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def search_indexes_again(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for name in ("0003_sqlite_employee_id_nocase", "0004_sqlite_name_trigram"):
        import_module(f"peersupport.roster.migrations.{name}").create(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("roster", "0008_encrypt_contact_details"),
    ]

    operations = [
        # Reversed last: the search indexes come back after the column is gone.
        migrations.RunPython(migrations.RunPython.noop, search_indexes_again, elidable=False),
        migrations.AddField(
            model_name="person",
            name="language",
            field=models.CharField(choices=[("en", "English"), ("es", "Español")], db_default="en", default="en",
                                   max_length=10),
        ),
        migrations.RunPython(search_indexes_again, migrations.RunPython.noop, elidable=False),
    ]
