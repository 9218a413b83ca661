"""Every answer given before programs becomes the default program's: the first program took every
case of a one-program installation (program 0007), so the answers about them are its own. One
UPDATE, whatever the number of answers; reversing leaves them as they are."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def to_the_default_program(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Program = apps.get_model("program", "Program")
    FeedbackAnswer = apps.get_model("feedback", "FeedbackAnswer")
    if not FeedbackAnswer.objects.filter(program__isnull=True).exists():
        return
    default = Program.objects.filter(is_default=True).first() or Program.objects.create(
        name="Peer support program", short_name="main", is_default=True)
    FeedbackAnswer.objects.filter(program__isnull=True).update(program=default)


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0002_feedback_answer_program"),
    ]

    operations = [
        migrations.RunPython(to_the_default_program, migrations.RunPython.noop),
    ]
