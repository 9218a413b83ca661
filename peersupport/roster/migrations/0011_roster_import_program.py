"""Each roster import's program (its uploader's): an import made before programs is the program of
the login that uploaded it, else the default program's (the only program there was)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def imports_to_their_program(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    RosterImport = apps.get_model("roster", "RosterImport")
    Program = apps.get_model("program", "Program")
    if not RosterImport.objects.exists():
        return
    default = Program.objects.filter(is_default=True).first()
    for roster_import in RosterImport.objects.filter(program__isnull=True).select_related("created_by").only(
            "pk", "created_by__program_id").iterator(chunk_size=1_000):
        program_id = (roster_import.created_by.program_id if roster_import.created_by is not None else None) or (
            default.pk if default is not None else None)
        if program_id is not None:
            RosterImport.objects.filter(pk=roster_import.pk).update(program_id=program_id)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0007_user_program"),
        ("program", "0007_first_program"),
        ("roster", "0010_person_program"),
    ]

    operations = [
        migrations.AddField(
            model_name="rosterimport",
            name="program",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="program.program"),
        ),
        migrations.AddIndex(
            model_name="rosterimport",
            index=models.Index(fields=["program", "-created_at"], name="roster_import_program_recent"),
        ),
        migrations.RunPython(imports_to_their_program, migrations.RunPython.noop, elidable=False),
    ]
