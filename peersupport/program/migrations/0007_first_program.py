"""An installation with one program becomes the first program of a system, losing nothing.

The first program (the default one: it holds every site no program names) is made, and takes the
existing settings row, every site on the roster (each mapped to it), every person, every login and
every case. Run on an empty database, it makes the first program alone. Reversing leaves the rows
as they are: the earlier migrations' reversal drops the columns and tables.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FIRST_PROGRAM_NAME = "Peer support program"
FIRST_PROGRAM_SHORT_NAME = "main"
BATCH = 1000


def make_first_program(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Program = apps.get_model("program", "Program")
    ProgramSite = apps.get_model("program", "ProgramSite")
    ProgramSettings = apps.get_model("program", "ProgramSettings")
    Person = apps.get_model("roster", "Person")
    User = apps.get_model("accounts", "User")
    Case = apps.get_model("cases", "Case")
    program = Program.objects.filter(is_default=True).first() or Program.objects.create(
        name=FIRST_PROGRAM_NAME, short_name=FIRST_PROGRAM_SHORT_NAME, is_default=True)
    settings = ProgramSettings.objects.filter(program__isnull=True).order_by("pk").first()
    if settings is not None and not ProgramSettings.objects.filter(program=program).exists():
        settings.program = program
        settings.save(update_fields=["program"])
    sites = sorted(set(Person.objects.exclude(site="").values_list("site", flat=True).distinct()))
    mapped = set(ProgramSite.objects.values_list("site", flat=True))
    ProgramSite.objects.bulk_create([ProgramSite(site=site, program=program) for site in sites if site not in mapped],
                                    batch_size=BATCH)
    # One UPDATE each, whatever the size of the roster.
    Person.objects.filter(program__isnull=True).update(program=program)
    User.objects.filter(program__isnull=True).update(program=program)
    Case.objects.filter(program__isnull=True).update(program=program)


class Migration(migrations.Migration):

    dependencies = [
        ("program", "0006_program_and_sites"),
        ("roster", "0010_person_program"),
        ("accounts", "0007_user_program"),
        ("cases", "0010_case_program"),
    ]

    operations = [
        migrations.RunPython(make_first_program, migrations.RunPython.noop),
    ]
