"""Every program has at most one row of planner assumptions, and every row belongs to a program."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("planner", "0003_planner_settings_of_the_default_program"),
    ]

    operations = [
        migrations.AlterField(
            model_name="plannersettings",
            name="program",
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                       related_name="planner_settings", to="program.program"),
        ),
    ]
