"""Every existing resource becomes the default program's: the directory was the installation's,
and the default program is the one an installation had before programs. No row is lost."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FIRST_PROGRAM_NAME = "Peer support program"
FIRST_PROGRAM_SHORT_NAME = "main"


def give_to_default_program(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Program = apps.get_model("program", "Program")
    Resource = apps.get_model("resources", "Resource")
    if not Resource.objects.filter(program__isnull=True).exists():
        return
    program = Program.objects.filter(is_default=True).first() or Program.objects.create(
        name=FIRST_PROGRAM_NAME, short_name=FIRST_PROGRAM_SHORT_NAME, is_default=True)
    Resource.objects.filter(program__isnull=True).update(program=program)


class Migration(migrations.Migration):

    dependencies = [
        ("program", "0007_first_program"),
        ("resources", "0003_resource_program"),
    ]

    operations = [
        migrations.RunPython(give_to_default_program, migrations.RunPython.noop),
    ]
