"""Every on-call team and week belongs to a program; names and weeks are unique per program."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("team", "0002_on_call_program"),
    ]

    operations = [
        migrations.AlterField(
            model_name="oncallteam",
            name="program",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="on_call_teams",
                                    to="program.program"),
        ),
        migrations.AlterField(
            model_name="oncallweek",
            name="program",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="program.program"),
        ),
        migrations.AddConstraint(
            model_name="oncallteam",
            constraint=models.UniqueConstraint(fields=("program", "name"), name="on_call_team_name_per_program"),
        ),
        migrations.AddConstraint(
            model_name="oncallweek",
            constraint=models.UniqueConstraint(fields=("program", "starts_on"), name="on_call_week_once_per_program"),
        ),
    ]
