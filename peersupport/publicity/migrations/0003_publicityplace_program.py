import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("program", "0008_outside_supporter"),
        ("publicity", "0002_the_five_places_every_program_starts_with"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicityplace",
            name="program",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="publicity_places", to="program.program"),
        ),
        # A place's name is unique within its program (0005), no longer in the installation.
        migrations.AlterField(
            model_name="publicityplace",
            name="name",
            field=models.CharField(max_length=80),
        ),
    ]
