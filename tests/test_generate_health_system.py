"""`generate_health_system`: a realistic program at scale, the same for the same seed, and valid."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import Role, User
from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Assignment, Case, CaseState, Encounter, GuideTopic
from peersupport.demo.health_system import SENTENCES, first_rows
from peersupport.referrals.models import Referral
from peersupport.referrals.summary_check import summary_findings
from peersupport.roster.models import Person, Supporter, SupporterStatus
from peersupport.testing.factories import make_person

SMALL = ("--staff", "400", "--supporters", "40", "--years", "1")


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_health_system", *SMALL, *args, stdout=out)
    return out.getvalue()


class _RolledBack(Exception):
    pass


def generate_and_roll_back(seed: str) -> tuple[str, dict[str, Any]]:
    """What one seed builds, then the database as empty as before (a savepoint rolled back)."""
    result: tuple[str, dict[str, Any]] = ("", {})
    try:
        with transaction.atomic():
            result = (generate("--seed", seed).split("Built in")[0], first_rows())
            raise _RolledBack
    except _RolledBack:
        pass
    assert not Person.objects.exists()
    return result


@pytest.fixture
def generated(db: Any) -> str:
    return generate("--seed", "3")


def test_prints_what_it_built_and_the_time(generated: str) -> None:
    assert "people: 400" in generated
    assert "supporters: 40" in generated
    assert "audit entries:" in generated
    assert "Built in" in generated


def test_supporters_in_every_state_and_cases_in_every_state_most_closed(generated: str) -> None:
    assert set(Supporter.objects.values_list("status", flat=True)) == {s.value for s in SupporterStatus}
    states = list(Case.objects.values_list("state", flat=True))
    assert set(states) == {s.value for s in CaseState}
    assert states.count(CaseState.CLOSED) > len(states) / 2


def test_cases_agree_with_their_supporter_assignment_and_dates(generated: str) -> None:
    for case in Case.objects.all():
        if case.state == CaseState.AWAITING_ASSIGNMENT:
            assert case.supporter_id is None and case.closed_at is None
        else:
            assert case.supporter_id is not None and case.assigned_at is not None
            assert Assignment.objects.filter(case=case, supporter_id=case.supporter_id).exists()
        assert (case.closed_at is not None) == (case.state == CaseState.CLOSED)
        dates = [case.created_at, case.assigned_at, case.responded_at, case.closed_at]
        known = [d for d in dates if d is not None]
        assert known == sorted(known) and known[-1] <= timezone.now()
    topics = {t.value for t in GuideTopic}
    assert all(set(e.topics) <= topics for e in Encounter.objects.all())


def test_the_audit_chain_verifies_after_it(generated: str) -> None:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "chain intact" in out.getvalue()
    assert AuditEntry.objects.count() > Case.objects.count()


def test_referral_sentences_pass_the_intake_check(generated: str) -> None:
    assert all(not summary_findings(sentence) for sentences in SENTENCES.values() for sentence in sentences)
    summary = Referral.objects.exclude(summary="").values_list("summary", flat=True).first()
    assert summary is not None and summary_findings(summary) == []


def test_the_directors_queue_and_a_case_page_render_on_it(generated: str, client: Any) -> None:
    director = User.objects.get(role=Role.DIRECTOR)
    client.force_login(director)
    assert client.get(reverse("queue")).status_code == 200
    case = Case.objects.filter(state=CaseState.ACCEPTED).first()
    assert case is not None
    page = client.get(reverse("case", args=[case.pk]))
    assert page.status_code == 200
    assert case.unpurged_peer.name in page.content.decode()


def test_the_same_seed_builds_the_same_program_and_another_seed_another(db: Any) -> None:
    counts, rows = generate_and_roll_back("5")
    assert generate_and_roll_back("5") == (counts, rows)
    assert generate_and_roll_back("6")[1] != rows


def test_refuses_a_database_that_already_holds_a_roster(db: Any) -> None:
    make_person(name="Already Here")
    with pytest.raises(CommandError, match="already holds a roster"):
        generate()
    assert Person.objects.count() == 1
