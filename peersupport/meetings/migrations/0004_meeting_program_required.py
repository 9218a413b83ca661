"""Every meeting belongs to a program (0003 put the existing ones in the default program)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0003_meeting_program"),
    ]

    operations = [
        migrations.AlterField(
            model_name="meeting",
            name="program",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="meetings",
                                    to="program.program"),
        ),
    ]
