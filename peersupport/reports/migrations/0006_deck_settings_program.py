import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0005_suppression_hidden_may_be_empty"),
        ("program", "0007_first_program"),
    ]

    operations = [
        migrations.AddField(
            model_name="decksettings",
            name="program",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="program.program"),
        ),
    ]
