"""The checklist was the installation's: its places and their dates become the default program's
(the program an installation had before programs), and every other program gets the five places
each program starts with. No place or date is lost."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FIRST_PROGRAM_NAME = "Peer support program"
FIRST_PROGRAM_SHORT_NAME = "main"
# As in 0002 and `publicity.services.STARTING_PLACES`.
PLACES = [
    "Grand rounds",
    "Department meetings",
    "Newsletters",
    "New-staff orientation",
    "Event reviews (root cause analyses, morbidity and mortality conferences)",
]


def give_places_to_programs(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Program = apps.get_model("program", "Program")
    PublicityPlace = apps.get_model("publicity", "PublicityPlace")
    if PublicityPlace.objects.filter(program__isnull=True).exists():
        default = Program.objects.filter(is_default=True).first() or Program.objects.create(
            name=FIRST_PROGRAM_NAME, short_name=FIRST_PROGRAM_SHORT_NAME, is_default=True)
        PublicityPlace.objects.filter(program__isnull=True).update(program=default)
    for program in Program.objects.all():
        for position, name in enumerate(PLACES, start=1):
            if not PublicityPlace.objects.filter(program=program, name=name).exists():
                PublicityPlace.objects.create(program=program, name=name, built_in=True, position=position)


class Migration(migrations.Migration):

    dependencies = [
        ("program", "0007_first_program"),
        ("publicity", "0003_publicityplace_program"),
    ]

    operations = [
        migrations.RunPython(give_places_to_programs, migrations.RunPython.noop),
    ]
