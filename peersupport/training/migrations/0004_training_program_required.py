"""Every course, material and set of training rules belongs to a program (0003 filled them)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("training", "0003_training_program"),
    ]

    operations = [
        migrations.AlterField(
            model_name="course",
            name="program",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="courses",
                                    to="program.program"),
        ),
        migrations.AlterField(
            model_name="material",
            name="program",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="training_materials",
                                    to="program.program"),
        ),
        migrations.AlterField(
            model_name="trainingsettings",
            name="program",
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="training_settings",
                                       to="program.program"),
        ),
    ]
