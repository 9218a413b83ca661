"""An outbox message's subject and body encrypted in their columns (peersupport.lib.encryption):
an assignment email names the peer, gives their contact details and the event's sentence.

Existing messages are encrypted in batches of a thousand under the first of FIELD_ENCRYPTION_KEYS
(set the keys before migrating); messages the purge blanked stay blank. Reversible: reversing
decrypts the columns in place, with the same keys.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import peersupport.lib.fields
from peersupport.lib.encrypted_columns import rewrite, to_ciphertext, to_plain_text

FIELDS = ("subject", "body")


def encrypt_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    for _ in rewrite(OutboxMessage, FIELDS, to_ciphertext, using=schema_editor.connection.alias):
        pass


def decrypt_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    for _ in rewrite(OutboxMessage, FIELDS, to_plain_text, using=schema_editor.connection.alias):
        pass


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0004_outbox_channel"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outboxmessage",
            name="subject",
            field=peersupport.lib.fields.EncryptedCharField(max_length=200),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="body",
            field=peersupport.lib.fields.EncryptedTextField(),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
    ]
