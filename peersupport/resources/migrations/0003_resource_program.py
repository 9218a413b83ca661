import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("program", "0008_outside_supporter"),
        ("resources", "0002_us_spelling_of_counseling"),
    ]

    operations = [
        migrations.AddField(
            model_name="resource",
            name="program",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="resources", to="program.program"),
        ),
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(fields=["program", "active", "category"], name="resource_program_active_idx"),
        ),
    ]
