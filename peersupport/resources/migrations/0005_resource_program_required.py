"""Every resource belongs to a program: the default program took every existing one (0004)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("resources", "0004_resources_of_the_default_program"),
    ]

    operations = [
        migrations.AlterField(
            model_name="resource",
            name="program",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="resources",
                                    to="program.program"),
        ),
    ]
