"""The guide topic "normalising" is spelled "normalizing" (US English, like every other text)."""

from django.db import migrations

OLD, NEW = "normalising", "normalizing"


def rename_topic(apps, schema_editor, old=OLD, new=NEW):
    Encounter = apps.get_model("cases", "Encounter")
    changed = []
    for encounter in Encounter.objects.only("pk", "topics").iterator():
        topics = list(encounter.topics or [])
        if old in topics:
            encounter.topics = [new if topic == old else topic for topic in topics]
            changed.append(encounter)
    Encounter.objects.bulk_update(changed, ["topics"], batch_size=500)


def rename_back(apps, schema_editor):
    rename_topic(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_case_referral_link")]

    operations = [migrations.RunPython(rename_topic, rename_back)]
