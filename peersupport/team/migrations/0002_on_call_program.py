"""Every on-call team and rota week belongs to a program: the existing ones to the default
program. A team's name, and a week's first day, are then unique within a program (0003)."""

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


def rota_to_default_program(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    OnCallTeam = apps.get_model("team", "OnCallTeam")
    OnCallWeek = apps.get_model("team", "OnCallWeek")
    if not OnCallTeam.objects.filter(program__isnull=True).exists():
        return
    program_id = default_program_id(apps)
    OnCallTeam.objects.filter(program__isnull=True).update(program_id=program_id)
    # A week is its team's program's; before this migration every team is the default program's.
    OnCallWeek.objects.filter(program__isnull=True).update(program_id=program_id)


class Migration(migrations.Migration):

    dependencies = [
        ("team", "0001_on_call_rota_and_participation"),
        ("program", "0008_outside_supporter"),
    ]

    operations = [
        migrations.AddField(
            model_name="oncallteam",
            name="program",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="on_call_teams", to="program.program"),
        ),
        migrations.AddField(
            model_name="oncallweek",
            name="program",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="program.program"),
        ),
        migrations.AlterField(
            model_name="oncallteam",
            name="name",
            field=models.CharField(max_length=80),
        ),
        migrations.AlterField(
            model_name="oncallweek",
            name="starts_on",
            field=models.DateField(),
        ),
        migrations.RunPython(rota_to_default_program, migrations.RunPython.noop),
    ]
