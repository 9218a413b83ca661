"""A person's email address and phone number encrypted in their columns, and the keyed hash of the
email (`email_hash`) that finds a person by it (peersupport.lib.encryption, lib.fields).

Existing rows are encrypted in batches of a thousand (no whole table in memory) under the first of
FIELD_ENCRYPTION_KEYS, and each email's hash is written under the first FIELD_HASH_KEY: set both
keys in the environment before migrating. Reversible: reversing decrypts the columns in place
(with the same keys) before they become plain `varchar` again.

On SQLite, changing the columns rebuilds roster_person, which drops the NOCASE index of 0003 and
the name trigram triggers of 0004 with the old table: both are created again, forwards and back.
"""

from importlib import import_module

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import peersupport.lib.fields
from peersupport.lib.encrypted_columns import rewrite, to_ciphertext, to_plain_text

FIELDS = ("email", "phone")


def search_indexes_again(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for name in ("0003_sqlite_employee_id_nocase", "0004_sqlite_name_trigram"):
        import_module(f"peersupport.roster.migrations.{name}").create(apps, schema_editor)


def encrypt_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Person = apps.get_model("roster", "Person")
    for _ in rewrite(Person, FIELDS, to_ciphertext, using=schema_editor.connection.alias,
                     hashes={"email": "email_hash"}):
        pass


def decrypt_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Person = apps.get_model("roster", "Person")
    for _ in rewrite(Person, FIELDS, to_plain_text, using=schema_editor.connection.alias):
        pass


class Migration(migrations.Migration):

    dependencies = [
        ("roster", "0007_supporter_notify_by"),
    ]

    operations = [
        # Reversed last: the search indexes come back after the columns are plain again.
        migrations.RunPython(migrations.RunPython.noop, search_indexes_again, elidable=False),
        migrations.AddField(
            model_name="person",
            name="email_hash",
            field=peersupport.lib.fields.LookupHashField(blank=True, editable=False, max_length=64,
                                                         normalizer="address", source="email"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["email_hash"], name="person_email_hash_idx"),
        ),
        migrations.AlterField(
            model_name="person",
            name="email",
            field=peersupport.lib.fields.EncryptedEmailField(blank=True, max_length=254),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=peersupport.lib.fields.EncryptedCharField(blank=True, max_length=40),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
        migrations.RunPython(search_indexes_again, migrations.RunPython.noop, elidable=False),
    ]
