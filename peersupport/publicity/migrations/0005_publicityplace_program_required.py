"""Every place belongs to a program (0004), once per program by name."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("publicity", "0004_each_program_its_own_places"),
    ]

    operations = [
        migrations.AlterField(
            model_name="publicityplace",
            name="program",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="publicity_places",
                                    to="program.program"),
        ),
        migrations.AddConstraint(
            model_name="publicityplace",
            constraint=models.UniqueConstraint(fields=("program", "name"), name="publicity_place_once_per_program"),
        ),
    ]
