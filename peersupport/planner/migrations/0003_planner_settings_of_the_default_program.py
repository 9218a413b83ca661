"""The planner's one row of assumptions becomes the default program's (the first program took
everything of a one-program installation: program 0007). Any other row (there is none: the row was
always saved as the first) goes to a program without assumptions of its own, so none is lost."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def give_to_programs(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Program = apps.get_model("program", "Program")
    PlannerSettings = apps.get_model("planner", "PlannerSettings")
    rows = list(PlannerSettings.objects.filter(program__isnull=True).order_by("pk"))
    if not rows:
        return
    default = Program.objects.filter(is_default=True).first() or Program.objects.create(
        name="Peer support program", short_name="main", is_default=True)
    taken = set(PlannerSettings.objects.filter(program__isnull=False).values_list("program_id", flat=True))
    programs = [default.pk, *Program.objects.exclude(pk=default.pk).order_by("pk").values_list("pk", flat=True)]
    free = [pk for pk in programs if pk not in taken]
    for row, program_id in zip(rows, free, strict=False):
        row.program_id = program_id
        row.save(update_fields=["program"])


class Migration(migrations.Migration):

    dependencies = [
        ("planner", "0002_planner_settings_program"),
    ]

    operations = [
        migrations.RunPython(give_to_programs, migrations.RunPython.noop),
    ]
