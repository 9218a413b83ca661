"""Break-glass, end to end: the directors' urgent email through the real worker and a real SMTP
server on loopback, and two grants asked at the same moment on a real PostgreSQL."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.cases.break_glass import AlreadyGranted, case_break_glass
from peersupport.cases.models import BreakGlassGrant, BreakGlassReason
from peersupport.cases.tests.test_concurrency import run_together
from peersupport.front.tests.helpers import SUMMARY, refer
from peersupport.notifications.models import OutboxMessage
from peersupport.notifications.testing import run_worker_until_idle
from peersupport.program.models import StaffMember
from peersupport.testing.factories import make_person, make_user, program_settings

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def locked_case():
    program_settings(**{"administrators_see_cases": False})
    referrer = make_user(Role.REFERRER)
    return refer(referrer, make_person(name="Robin Peer", email="robin@example.org")).cases.get()


def test_every_director_and_an_away_directors_deputy_get_the_urgent_email_at_once(smtp_server, locked_case):
    administrator = make_user(Role.ADMINISTRATOR, email="admin@example.org", first_name="Ada", last_name="Admin")
    director = make_user(Role.DIRECTOR, email="director@example.org")
    away = make_user(Role.DIRECTOR, email="away@example.org")
    deputy = make_user(Role.DIRECTOR, email="deputy@example.org")
    today = timezone.localdate()
    StaffMember.objects.create(user=away, away_from=today - timedelta(days=1), away_until=today + timedelta(days=3),
                               deputy=deputy)

    grant = case_break_glass(actor=administrator, case_id=locked_case.pk, reason="peer_in_crisis")
    run_worker_until_idle()

    mails = {mail["To"]: mail for mail in smtp_server.messages}
    # Urgent: the away director too, beside their deputy, as for a safety concern.
    assert set(mails) == {director.email, away.email, deputy.email}
    for mail in mails.values():
        assert mail["Subject"] == "Urgent: emergency access to a case"
        body = mail.get_content()
        assert "Ada Admin" in body and f"case #{locked_case.pk}" in body
        assert f"/cases/{locked_case.pk}/" in body
        assert str(BreakGlassReason.PEER_IN_CRISIS.label) in body
        assert timezone.localtime(grant.expires_at).strftime("%H:%M") in body
        # Nothing about the peer or the event.
        assert "Robin" not in body and SUMMARY not in body
    assert set(OutboxMessage.objects.filter(kind="break_glass").values_list("status", flat=True)) == {"sent"}


@pytest.mark.postgres(reason="row locks need PostgreSQL")
def test_two_grants_asked_at_the_same_moment_make_one(locked_case):
    administrator = make_user(Role.ADMINISTRATOR)
    make_user(Role.DIRECTOR)

    outcomes = run_together(
        lambda: case_break_glass(actor=administrator, case_id=locked_case.pk, reason="peer_in_crisis"),
        lambda: case_break_glass(actor=administrator, case_id=locked_case.pk, reason="safety_concern"),
    )

    granted = [o for o in outcomes if isinstance(o, BreakGlassGrant)]
    refused = [o for o in outcomes if isinstance(o, AlreadyGranted)]
    assert len(granted) == 1 and len(refused) == 1, outcomes
    assert refused[0].grant.pk == granted[0].pk
    assert BreakGlassGrant.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="break_glass").count() == 1
