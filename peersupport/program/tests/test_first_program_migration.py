"""An installation with one program becomes the first program of a system, losing nothing
(migrations program 0006 and 0007, roster 0009, accounts 0006, cases 0010 and 0011)."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from peersupport.cases.models import Case
from peersupport.program.models import Program, ProgramSettings, ProgramSite
from peersupport.roster.models import Person
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db(transaction=True)

# Before programs: these apps at their last migration before them, every other app at its newest.
BEFORE_PROGRAMS = {"program": "0005_administrators_see_cases", "roster": "0009_person_language",
                   "accounts": "0006_login_language", "cases": "0009_break_glass_grant",
                   # Group debriefs came with programs: none before.
                   "debriefs": None,
                   # Resources and the publicity checklist became each program's later.
                   "resources": "0002_us_spelling_of_counseling",
                   "publicity": "0002_the_five_places_every_program_starts_with",
                   # The team's apps before their tables had a program.
                   "meetings": "0002_seed_practice_scenarios", "team": "0001_on_call_rota_and_participation",
                   "training": "0002_legacy_initial_training", "recruitment": "0001_campaigns_nominations_candidates",
                   # The planner's and the deck's assumptions and the peers' answers became a
                   # program's after the first program was made.
                   "planner": "0001_planner_settings", "feedback": "0001_answers_without_names",
                   "reports": "0005_suppression_hidden_may_be_empty"}


def _before():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return [(app, BEFORE_PROGRAMS.get(app, name)) for app, name in leaves]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # An app migrated back to none of its migrations (None) is left out of the state.
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def test_the_first_program_takes_the_settings_every_site_person_login_and_case():
    try:
        old = _migrate(_before())
        settings = old.get_model("program", "ProgramSettings").objects.create(
            pk=1, retention_days=400, administrators_see_cases=False)
        person_model = old.get_model("roster", "Person")
        people = [person_model.objects.create(employee_id=f"M{n}", name=f"Migrated {n}", site=site)
                  for n, site in enumerate(["Main Campus", "North Campus", "North Campus", ""])]
        user = old.get_model("accounts", "User").objects.create(
            username="dora@example.org", email="dora@example.org", role="director", person_id=people[0].pk)
        referral = old.get_model("referrals", "Referral").objects.create(
            category="other", occurred_on=date(2026, 11, 1), summary="A hard night.", source="colleague",
            referred_by_id=user.pk)
        case = old.get_model("cases", "Case").objects.create(referral_id=referral.pk, peer_id=people[1].pk)

        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        program = Program.objects.get()
        assert program.is_default and Program.default() == program
        kept = ProgramSettings.objects.get()
        assert (kept.pk, kept.program_id, kept.retention_days, kept.administrators_see_cases) == (
            settings.pk, program.pk, 400, False)
        assert ProgramSettings.current() == kept
        assert dict(ProgramSite.objects.values_list("site", "program_id")) == {
            "Main Campus": program.pk, "North Campus": program.pk}
        assert set(Person.objects.values_list("program_id", flat=True)) == {program.pk}
        assert Person.objects.count() == 4
        from peersupport.accounts.models import User

        assert User.objects.get(pk=user.pk).program_id == program.pk
        assert Case.objects.get(pk=case.pk).program_id == program.pk
        # New rows after the migration join it too.
        assert make_person(site="South Campus").program_id == program.pk
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
