"""The resource directory and the publicity checklist were the installation's: migrating makes
them the default program's, losing nothing, and gives every other program the five places
(resources 0003 to 0005, publicity 0003 to 0005)."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from peersupport.program.models import Program
from peersupport.publicity.models import PublicityDate, PublicityPlace
from peersupport.publicity.services import STARTING_PLACES
from peersupport.resources.models import Resource

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("resources", "0002_us_spelling_of_counseling"),
          ("publicity", "0002_the_five_places_every_program_starts_with")]


def test_existing_resources_places_and_dates_become_the_default_programs_and_others_get_the_five_places():
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        old.get_model("resources", "Resource").objects.create(name="Old EAP", category="counseling")
        place = old.get_model("publicity", "PublicityPlace").objects.create(name="Town hall", position=9)
        old.get_model("publicity", "PublicityDate").objects.create(place_id=place.pk, done_on=date(2026, 1, 5))
        Program.objects.create(name="Northside", short_name="northside")  # the program app is at its newest

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        default = Program.default()
        assert Resource.objects.get(name="Old EAP").program == default
        town_hall = PublicityPlace.objects.get(name="Town hall")
        assert town_hall.program == default
        assert PublicityDate.objects.get().place == town_hall
        assert set(PublicityPlace.objects.filter(program=default).values_list("name", flat=True)) == {
            *STARTING_PLACES, "Town hall"}
        northside = Program.objects.get(short_name="northside")
        assert list(PublicityPlace.objects.filter(program=northside).values_list("name", flat=True)) == STARTING_PLACES
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
