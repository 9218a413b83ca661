"""Nobody is demoted by the training rule: every supporter who is active today and has a training
date (`trained_on`) gets a legacy initial training record of that date.

Active supporters without a `trained_on` get no record: no date is known, and inventing one
would tell the program a training happened when nobody knows it did. They stay active (the rule
refuses only becoming active), the training page flags them as "no training recorded" among the
overdue, and the matching, which already required a training date, still does not suggest them
until the director records a training.
"""

from django.db import migrations

BATCH = 1_000


def record_legacy_training(apps, schema_editor):
    Supporter = apps.get_model("roster", "Supporter")
    Attendance = apps.get_model("training", "Attendance")
    rows = (Supporter.objects.filter(status="active", trained_on__isnull=False)
            .order_by("pk").values_list("person_id", "trained_on"))
    batch = []
    for person_id, trained_on in rows.iterator(chunk_size=BATCH):
        batch.append(Attendance(person_id=person_id, kind="initial", trained_on=trained_on,
                                completed=True, legacy=True))
        if len(batch) >= BATCH:
            Attendance.objects.bulk_create(batch)
            batch = []
    Attendance.objects.bulk_create(batch)


def forget_legacy_training(apps, schema_editor):
    apps.get_model("training", "Attendance").objects.filter(legacy=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_courses_sessions_attendance_evaluations"),
        ("roster", "0004_sqlite_name_trigram"),
    ]

    operations = [migrations.RunPython(record_legacy_training, forget_legacy_training)]
