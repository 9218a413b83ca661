"""The installation's one row of planner assumptions and of deck assumptions, and every answer to
the peers' feedback, become the default program's (migrations planner 0002–0004, reports 0006–0008,
feedback 0002–0004), losing nothing."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from peersupport.feedback.models import FeedbackAnswer
from peersupport.planner.models import PlannerSettings
from peersupport.program.models import Program
from peersupport.reports.models import DeckSettings

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = {"planner": "0001_planner_settings", "reports": "0005_suppression_hidden_may_be_empty",
          "feedback": "0001_answers_without_names"}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_default_program_takes_the_planner_the_deck_and_the_answers():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate([(app, BEFORE.get(app, name)) for app, name in leaves])
        old.get_model("planner", "PlannerSettings").objects.create(pk=1, case_days=30)
        old.get_model("reports", "DeckSettings").objects.create(pk=1, program_name="Riverside Cares")
        answer_model = old.get_model("feedback", "FeedbackAnswer")
        for helped in ("yes", "no"):
            answer_model.objects.create(month=date(2026, 5, 1), category="other", timely="right_time",
                                        helped=helped, recommend="yes")

        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        program = Program.default()
        assert PlannerSettings.for_program(program.pk).case_days == 30
        assert DeckSettings.for_program(program.pk).program_name == "Riverside Cares"
        assert PlannerSettings.objects.count() == DeckSettings.objects.count() == 1
        assert list(FeedbackAnswer.objects.values_list("program_id", flat=True)) == [program.pk, program.pk]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
