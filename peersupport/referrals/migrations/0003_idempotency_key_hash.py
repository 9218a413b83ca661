"""Keep a keyed hash of each Idempotency-Key (and of each body's fingerprint), never the key.

The hashes use the same salts as `peersupport.referrals.idempotency` (copied here: a migration
must not change when the app's code does). Rows already purged have neither key nor fingerprint
left; they stay as they are.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
from django.utils.crypto import salted_hmac

KEY_SALT = "peersupport.referrals.idempotency_key"
FINGERPRINT_SALT = "peersupport.referrals.request_fingerprint"


def _hmac(salt, value):
    return salted_hmac(salt, value, secret=settings.SECRET_KEY, algorithm="sha256").hexdigest()


def hash_keys(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    rows = list(Referral.objects.exclude(idempotency_key__isnull=True, request_fingerprint="")
                .only("pk", "idempotency_key", "request_fingerprint"))
    for row in rows:
        if row.idempotency_key:
            row.idempotency_key_hash = _hmac(KEY_SALT, row.idempotency_key)
        if row.request_fingerprint:
            row.request_fingerprint = _hmac(FINGERPRINT_SALT, row.request_fingerprint)
    Referral.objects.bulk_update(rows, ["idempotency_key_hash", "request_fingerprint"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("referrals", "0002_retention_purge"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="idempotency_key_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        # Not reversible: the keys are not kept, by design.
        migrations.RunPython(hash_keys, migrations.RunPython.noop, elidable=False),
        migrations.RemoveConstraint(
            model_name="referral",
            name="referral_idempotency_key_per_user",
        ),
        migrations.RemoveField(
            model_name="referral",
            name="idempotency_key",
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.UniqueConstraint(
                condition=Q(idempotency_key_hash__isnull=False),
                fields=("referred_by", "idempotency_key_hash"),
                name="referral_idempotency_key_hash_per_user",
            ),
        ),
    ]
