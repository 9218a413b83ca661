import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("planner", "0001_planner_settings"),
        ("program", "0007_first_program"),
    ]

    operations = [
        migrations.AddField(
            model_name="plannersettings",
            name="program",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="program.program"),
        ),
    ]
