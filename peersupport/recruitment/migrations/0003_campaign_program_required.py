"""Every campaign belongs to a program (0002 put the existing ones in the default program)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("recruitment", "0002_campaign_program"),
    ]

    operations = [
        migrations.AlterField(
            model_name="campaign",
            name="program",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="campaigns",
                                    to="program.program"),
        ),
    ]
