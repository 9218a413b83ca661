"""The event's sentence (`Referral.summary`) encrypted in its column (peersupport.lib.encryption).

Existing rows are encrypted in batches of a thousand (no whole table in memory) under the first of
FIELD_ENCRYPTION_KEYS: set the keys in the environment before migrating. A purged referral's blank
sentence stays blank. Reversible: reversing decrypts the column in place (with the same keys)
before it becomes a plain `varchar` again.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import peersupport.lib.fields
from peersupport.lib.encrypted_columns import rewrite, to_ciphertext, to_plain_text


def encrypt_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Referral = apps.get_model("referrals", "Referral")
    for _ in rewrite(Referral, ["summary"], to_ciphertext, using=schema_editor.connection.alias):
        pass


def decrypt_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Referral = apps.get_model("referrals", "Referral")
    for _ in rewrite(Referral, ["summary"], to_plain_text, using=schema_editor.connection.alias):
        pass


class Migration(migrations.Migration):

    dependencies = [
        ("referrals", "0005_safety_report_intake_ref"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="summary",
            field=peersupport.lib.fields.EncryptedCharField(max_length=200),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
    ]
