"""Every campaign belongs to a program: the existing ones to the default program. Invitations and
nominations are their campaign's program's; a candidate is their person's program's."""

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


def campaigns_to_default_program(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Campaign = apps.get_model("recruitment", "Campaign")
    if Campaign.objects.filter(program__isnull=True).exists():
        Campaign.objects.filter(program__isnull=True).update(program_id=default_program_id(apps))


class Migration(migrations.Migration):

    dependencies = [
        ("recruitment", "0001_campaigns_nominations_candidates"),
        ("program", "0008_outside_supporter"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="program",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="campaigns",
                                    to="program.program"),
        ),
        migrations.AddIndex(
            model_name="campaign",
            index=models.Index(fields=["program", "created_at"], name="campaign_program_created_idx"),
        ),
        migrations.RunPython(campaigns_to_default_program, migrations.RunPython.noop),
    ]
