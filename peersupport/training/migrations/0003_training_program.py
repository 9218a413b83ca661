"""Every course and material belongs to a program, and the training rules become one row per
program: the existing courses, materials and rules go to the default program. Sessions,
attendance and evaluations are their course's program's."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def default_program_id(apps: StateApps) -> int:
    """The default program (made as program 0007 makes it, on a database that has none yet)."""
    Program = apps.get_model("program", "Program")
    program = Program.objects.filter(is_default=True).first() or Program.objects.create(
        name="Peer support program", short_name="main", is_default=True)
    return int(program.pk)


def training_to_default_program(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Course = apps.get_model("training", "Course")
    Material = apps.get_model("training", "Material")
    TrainingSettings = apps.get_model("training", "TrainingSettings")
    orphans = [Course.objects.filter(program__isnull=True), Material.objects.filter(program__isnull=True)]
    rules = TrainingSettings.objects.filter(program__isnull=True).order_by("pk").first()
    if rules is None and not any(rows.exists() for rows in orphans):
        return
    program_id = default_program_id(apps)
    for rows in orphans:
        rows.update(program_id=program_id)
    # The one row the director saved before programs (pk 1) becomes the default program's rules.
    if rules is not None and not TrainingSettings.objects.filter(program_id=program_id).exists():
        rules.program_id = program_id
        rules.save(update_fields=["program"])


class Migration(migrations.Migration):

    dependencies = [
        ("training", "0002_legacy_initial_training"),
        ("program", "0008_outside_supporter"),
    ]

    operations = [
        migrations.AddField(
            model_name="course",
            name="program",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="courses",
                                    to="program.program"),
        ),
        migrations.AddField(
            model_name="material",
            name="program",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="training_materials", to="program.program"),
        ),
        migrations.AddField(
            model_name="trainingsettings",
            name="program",
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.CASCADE,
                                       related_name="training_settings", to="program.program"),
        ),
        migrations.AddIndex(
            model_name="course",
            index=models.Index(fields=["program", "kind"], name="course_program_kind_idx"),
        ),
        migrations.RunPython(training_to_default_program, migrations.RunPython.noop),
    ]
