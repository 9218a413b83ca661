import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0001_answers_without_names"),
        ("program", "0007_first_program"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedbackanswer",
            name="program",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="program.program"),
        ),
        migrations.AddIndex(
            model_name="feedbackanswer",
            index=models.Index(fields=["program", "month"], name="feedback_program_month_idx"),
        ),
    ]
