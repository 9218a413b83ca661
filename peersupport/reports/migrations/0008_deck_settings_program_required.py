"""Every program has at most one row of deck assumptions, and every row belongs to a program."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0007_deck_settings_of_the_default_program"),
    ]

    operations = [
        migrations.AlterField(
            model_name="decksettings",
            name="program",
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                       related_name="deck_settings", to="program.program"),
        ),
    ]
