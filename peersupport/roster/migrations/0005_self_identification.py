"""Self-identification on the roster: gender as a fixed choice, race and ethnicity, age band.

On SQLite, adding a column with a default rebuilds roster_person, which drops the NOCASE index
of 0003 and the name trigram triggers of 0004 with the old table: both are created again last.
"""

from importlib import import_module

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# Gender was free text until now: the spellings found on rosters, folded, to the fixed choices.
# Any other text becomes "another" (a gender not listed); blanks stay blank.
SPELLINGS = {
    "female": "female", "f": "female", "woman": "female",
    "male": "male", "m": "male", "man": "male",
    "non-binary": "non-binary", "nonbinary": "non-binary", "non binary": "non-binary",
    "prefer not to say": "prefer_not_to_say", "prefer_not_to_say": "prefer_not_to_say",
}


def search_indexes_again(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for name in ("0003_sqlite_employee_id_nocase", "0004_sqlite_name_trigram"):
        import_module(f"peersupport.roster.migrations.{name}").create(apps, schema_editor)


def gender_to_choices(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Person = apps.get_model("roster", "Person")
    stored = Person.objects.exclude(gender="").values_list("gender", flat=True).distinct()
    for text in list(stored):
        value = SPELLINGS.get(" ".join(text.split()).casefold(), "another")
        if value != text:
            Person.objects.filter(gender=text).update(gender=value)


class Migration(migrations.Migration):

    dependencies = [
        ('roster', '0004_sqlite_name_trigram'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='age_band',
            field=models.CharField(blank=True, choices=[('under_30', 'Under 30'), ('30_39', '30 to 39'), ('40_49', '40 to 49'), ('50_59', '50 to 59'), ('60_plus', '60 or older'), ('prefer_not_to_say', 'Prefer not to say')], max_length=20),
        ),
        migrations.AddField(
            model_name='person',
            name='race_ethnicity',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name='person',
            name='gender',
            field=models.CharField(blank=True, choices=[('female', 'Woman'), ('male', 'Man'), ('non-binary', 'Non-binary'), ('another', 'A gender not listed here'), ('prefer_not_to_say', 'Prefer not to say')], max_length=40),
        ),
        migrations.RunPython(gender_to_choices, migrations.RunPython.noop),
        migrations.RunPython(search_indexes_again, migrations.RunPython.noop, elidable=False),
    ]
