from django.db import migrations

PLACES = [
    "Grand rounds",
    "Department meetings",
    "Newsletters",
    "New-staff orientation",
    "Event reviews (root cause analyses, morbidity and mortality conferences)",
]


def add_places(apps, schema_editor):
    PublicityPlace = apps.get_model("publicity", "PublicityPlace")
    for position, name in enumerate(PLACES, start=1):
        PublicityPlace.objects.get_or_create(name=name, defaults={"built_in": True, "position": position})


def remove_places(apps, schema_editor):
    PublicityPlace = apps.get_model("publicity", "PublicityPlace")
    PublicityPlace.objects.filter(built_in=True, name__in=PLACES).delete()


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_places_and_dates")]

    operations = [migrations.RunPython(add_places, remove_places)]
