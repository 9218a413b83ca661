"""Every meeting belongs to a program: the existing ones to the default program (one UPDATE).
Invitations and nudges belong to their meeting's program; the scenario library stays shared."""

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


def meetings_to_default_program(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Meeting = apps.get_model("meetings", "Meeting")
    if Meeting.objects.filter(program__isnull=True).exists():
        Meeting.objects.filter(program__isnull=True).update(program_id=default_program_id(apps))


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0002_seed_practice_scenarios"),
        ("program", "0008_outside_supporter"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="program",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="meetings",
                                    to="program.program"),
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["program", "starts_at"], name="meeting_program_starts_idx"),
        ),
        migrations.RunPython(meetings_to_default_program, migrations.RunPython.noop),
    ]
