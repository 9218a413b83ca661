"""Every answer belongs to a program."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0003_feedback_answers_of_the_default_program"),
    ]

    operations = [
        migrations.AlterField(
            model_name="feedbackanswer",
            name="program",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="program.program"),
        ),
    ]
