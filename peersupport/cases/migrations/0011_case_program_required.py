"""Every case belongs to a program: the first program took every existing case (program 0007)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0010_case_program"),
        ("program", "0007_first_program"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="program",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="cases",
                                    to="program.program"),
        ),
    ]
