"""The active team's facts are kept in the process between requests, and every change they
depend on is seen by the very next suggestion.

These tests commit (transactional database): the cache stores only facts read outside a
transaction, as a server's requests read them.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peersupport.accounts.models import Role, User
from peersupport.cases.actions import case_close, case_hand_back, case_record_outreach, case_record_response
from peersupport.cases.models import Case
from peersupport.cases.services import case_assign
from peersupport.matching.facts import SupporterFacts
from peersupport.matching.models import matching_version_bump
from peersupport.matching.selectors import (
    active_supporter_facts,
    load_supporter_facts,
    suggestions_for_case,
)
from peersupport.program.models import ProgramSettings
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.roster.models import Person, Supporter, SupporterStatus
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def refer(user, *people: Person) -> Case:
    data = ReferralInput(
        category="patient_death",
        occurred_on=date(2026, 11, 20),
        summary="A patient died unexpectedly after a routine admission.",
        involved_employee_ids=[p.employee_id for p in people],
        source="safety_report",
    )
    return referral_create(referred_by=user, data=data)[0].cases.get()


def loaded_now() -> list[SupporterFacts]:
    """The team's facts read from the database, past any cache."""
    program = ProgramSettings.current()
    active = Supporter.objects.filter(status=SupporterStatus.ACTIVE, person__active=True)
    return load_supporter_facts(active, program.default_case_limit)


def served() -> list[SupporterFacts]:
    return active_supporter_facts(ProgramSettings.current())


def open_cases(employee_id: str) -> int:
    [facts] = [s for s in served() if s.person.employee_id == employee_id]
    return facts.open_cases


def fresh(case: Case) -> Case:
    return Case.objects.with_details().get(pk=case.pk)


@pytest.fixture(autouse=True)
def version_row(transactional_db):
    # A flush between transactional tests empties the table; the migration made the row.
    matching_version_bump()


def assert_cached() -> None:
    """The next read of the team's facts is served from memory (one query: the version)."""
    program = ProgramSettings.current()
    active_supporter_facts(program)
    with CaptureQueriesContext(connection) as queries:
        active_supporter_facts(program)
    assert len(queries) == 1, [q["sql"] for q in queries]


@pytest.fixture
def team(director):
    supporters = [
        make_supporter(make_person(name=f"Supporter {n}", department=f"Department {n}"), capacity=3)
        for n in range(3)
    ]
    for supporter in supporters:
        make_user(Role.SUPPORTER, person=supporter.person)
    return supporters


def test_the_teams_facts_come_from_memory_with_one_query_while_nothing_changes(team):
    program = ProgramSettings.current()
    first = active_supporter_facts(program)
    with CaptureQueriesContext(connection) as queries:
        again = active_supporter_facts(program)
    assert again is first
    assert len(queries) == 1  # the version


def test_the_cached_facts_equal_the_database_after_every_case_service(director, referrer, team):
    peer = make_person(name="Pat Peer", department="Emergency")
    case = refer(referrer, peer)
    chosen = team[0]
    supporter_user = User.objects.get(person=chosen.person)
    steps = [
        ("assigned", lambda: case_assign(actor=director, case_id=case.pk,
                                         supporter_employee_id=chosen.person.employee_id, override_reason="other")),
        ("handed back", lambda: case_hand_back(actor=supporter_user, case_id=case.pk, reason="no_capacity")),
        ("assigned again", lambda: case_assign(actor=director, case_id=case.pk,
                                               supporter_employee_id=team[1].person.employee_id,
                                               override_reason="other")),
        ("outreach", lambda: case_record_outreach(actor=director, case_id=case.pk, channel="call")),
        ("accepted", lambda: case_record_response(actor=director, case_id=case.pk, response="accepted")),
        ("closed", lambda: case_close(actor=director, case_id=case.pk)),
    ]
    expected_open = {"assigned": (1, 0), "handed back": (0, 0), "assigned again": (0, 1), "outreach": (0, 1),
                     "accepted": (0, 1), "closed": (0, 0)}
    for name, step in steps:
        assert_cached()
        step()
        assert served() == loaded_now(), name
        assert (open_cases(team[0].person.employee_id), open_cases(team[1].person.employee_id)) == (
            expected_open[name]
        ), name


def test_a_supporter_paused_or_edited_is_seen_by_the_next_suggestion(referrer, team):
    case = refer(referrer, make_person(name="Pat Peer", department="Emergency"))
    before = {s.employee_id for s in suggestions_for_case(fresh(case))}
    assert team[0].person.employee_id in before
    assert_cached()
    team[0].paused_until = date.today() + timedelta(days=7)
    team[0].save()
    after = {s.employee_id for s in suggestions_for_case(fresh(case))}
    assert after == before - {team[0].person.employee_id}
    assert served() == loaded_now()


def test_a_roster_change_to_a_supporters_person_is_seen_by_the_next_suggestion(referrer, team):
    peer = make_person(name="Pat Peer", department="Emergency")
    case = refer(referrer, peer)
    assert team[1].person.employee_id in {s.employee_id for s in suggestions_for_case(fresh(case))}
    assert_cached()
    # Moved into the peer's department: the own-department rule now rules them out.
    person = Person.objects.get(pk=team[1].person_id)
    person.department = "Emergency"
    person.save()
    assert team[1].person.employee_id not in {s.employee_id for s in suggestions_for_case(fresh(case))}


def test_a_new_supporter_is_seen_by_the_next_suggestion(referrer, team):
    case = refer(referrer, make_person(name="Pat Peer", department="Emergency"))
    suggestions_for_case(fresh(case))
    assert_cached()
    newcomer = make_supporter(make_person(name="New Supporter", department="Radiology"))
    assert newcomer.person.employee_id in {s.employee_id for s in suggestions_for_case(fresh(case))}


def test_a_case_saved_with_its_supporter_or_state_bumps_the_version_and_a_save_of_dates_only_does_not(
    director, referrer, team
):
    from peersupport.matching.models import matching_version

    case = refer(referrer, make_person(name="Pat Peer", department="Emergency"))
    before = matching_version()
    assert before is not None
    case.next_due_at = None
    case.save(update_fields=["next_due_at"])
    assert matching_version() == before
    case.supporter = team[0]
    case.state = "assigned"
    case.save(update_fields=["supporter", "state"])
    assert matching_version() == before + 1
    assert open_cases(team[0].person.employee_id) == 1


def test_a_roster_batch_is_seen_by_the_next_suggestion(director, referrer, team):
    from peersupport.roster.services import PersonInput, SupporterInput, people_upsert_batch, supporters_upsert_batch

    case = refer(referrer, make_person(name="Pat Peer", department="Emergency"))
    assert team[2].person.employee_id in {s.employee_id for s in suggestions_for_case(fresh(case))}
    assert_cached()
    # bulk_create sends no signals: the batch service itself moves the version on commit.
    moved = PersonInput(name=team[2].person.name, department="Emergency", role_type=team[2].person.role_type)
    people_upsert_batch(actor=director, items=[(team[2].person.employee_id, moved)])
    assert team[2].person.employee_id not in {s.employee_id for s in suggestions_for_case(fresh(case))}
    assert_cached()
    paused = SupporterInput(status=SupporterStatus.PAUSED, capacity=3, trained_on=team[0].trained_on)
    supporters_upsert_batch(actor=director, items=[(team[0].person.employee_id, paused)])
    assert team[0].person.employee_id not in {s.employee_id for s in suggestions_for_case(fresh(case))}
    assert served() == loaded_now()


def test_the_version_moves_once_per_committed_transaction_and_not_for_a_rolled_back_one():
    from django.db import transaction

    from peersupport.matching.models import matching_version

    before = matching_version()
    assert before is not None
    with transaction.atomic():
        for _ in range(3):
            matching_version_bump()
        # Nothing holds the row while the transaction works: the number moves at the commit.
        assert matching_version() == before
    assert matching_version() == before + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        matching_version_bump()
        raise RuntimeError("rolled back")
    assert matching_version() == before + 1


def test_after_an_assignment_only_that_supporter_is_read_again(director, referrer, team):
    from peersupport.matching.models import MatchingChange

    for n in range(20):  # a bigger team, so that reading it all would show
        make_supporter(make_person(name=f"Extra {n}", department=f"Ward {n}"))
    case = refer(referrer, make_person(name="Pat Peer", department="Emergency"))
    assert_cached()
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=team[0].person.employee_id,
                override_reason="other")
    assert MatchingChange.objects.order_by("-number").values_list("supporter_ids", flat=True)[0] == [team[0].pk]
    with CaptureQueriesContext(connection) as queries:
        facts = served()
    # The program's settings, the version, the changes since, and the one supporter's columns
    # and open cases.
    assert len(queries) == 5, [q["sql"] for q in queries]
    assert any(f'IN ({team[0].pk})' in q["sql"] for q in queries)
    assert facts == loaded_now()
    assert open_cases(team[0].person.employee_id) == 1


def test_a_change_that_names_no_supporter_reads_the_whole_team_again(team):
    assert_cached()
    matching_version_bump()  # e.g. a person's record: anyone's facts may have changed
    with CaptureQueriesContext(connection) as queries:
        served()
    # The program's settings, the version, the changes since, the whole team and its open cases.
    assert len(queries) == 5 and not any("IN (" in q["sql"] and "roster_supporter" in q["sql"] for q in queries)
    assert served() == loaded_now()


def test_a_process_too_far_behind_reads_the_whole_team_again(team, monkeypatch):
    from peersupport.matching import selectors

    assert_cached()
    monkeypatch.setattr(selectors, "CHANGES_KEPT", 0)
    matching_version_bump([team[0].pk])
    with CaptureQueriesContext(connection) as queries:
        served()
    # The program's settings, the version, then the whole team: the changes are not even read.
    assert len(queries) == 4
    assert served() == loaded_now()


def test_a_plan_applied_is_read_back_for_its_supporters_only(director, referrer, team):
    from peersupport.cases.services import referral_apply_plan
    from peersupport.referrals.services import ReferralInput, referral_create

    peers = [make_person(name=f"Peer {n}", department="Trauma") for n in range(3)]
    referral, _ = referral_create(referred_by=referrer, data=ReferralInput(
        category="patient_death", occurred_on=date(2026, 11, 20),
        summary="A patient died unexpectedly after a routine admission.",
        involved_employee_ids=[p.employee_id for p in peers], source="safety_report"))
    assert_cached()
    referral_apply_plan(actor=director, referral_id=referral.pk)
    assert served() == loaded_now()
    assert sorted(open_cases(s.person.employee_id) for s in team) == [1, 1, 1]


def test_old_changes_are_pruned(team, monkeypatch):
    from peersupport.matching import models

    monkeypatch.setattr(models, "CHANGES_KEPT", 50)
    models.MatchingChange.objects.all().delete()
    models.MatchingVersion.objects.filter(pk=1).update(number=1050)
    for _ in range(160):
        matching_version_bump([team[0].pk])
    # Pruned at 1100 (up to 1050: none yet) and at 1200 (up to 1150).
    numbers = sorted(models.MatchingChange.objects.values_list("number", flat=True))
    assert numbers == list(range(1151, 1211))
