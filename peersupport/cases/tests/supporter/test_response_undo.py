"""A one-tap "No, thank you" can be undone for a short while; the open invitation waits for it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.cases.actions import UNDO_WINDOW, case_record_outreach
from peersupport.cases.models import Case, CaseState, Response
from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.notifications.services import outbox_flush
from peersupport.program.models import ProgramSettings


@pytest.fixture
def declined(client, case) -> Case:
    """Supporter A, signed in, has just recorded the peer's "No, thank you" on the case page."""
    client.force_login(case.supporter.person.user)
    case_record_outreach(actor=case.supporter.person.user, case_id=case.pk, channel="call")
    response = client.post(reverse("case-response", args=[case.pk]), {"response": "declined"})
    assert response.status_code == 302
    return Case.objects.get(pk=case.pk)


def undo(client, case: Case):
    return client.post(reverse("case-response-undo", args=[case.pk]))


def test_the_open_invitation_waits_until_the_decline_can_no_longer_be_undone(declined):
    invitation = OutboxMessage.objects.get(kind="open_invitation", case=declined)
    assert invitation.status == OutboxStatus.PENDING
    assert invitation.next_attempt_at == declined.responded_at + UNDO_WINDOW
    outbox_flush(now=declined.responded_at + UNDO_WINDOW - timedelta(seconds=1))
    invitation.refresh_from_db()
    assert invitation.status == OutboxStatus.PENDING


def test_the_case_page_offers_the_undo_right_after_the_decline(client, declined):
    page = client.get(reverse("case", args=[declined.pk])).content.decode()
    assert 'data-testid="undo-response"' in page
    assert "In a couple of minutes the program will send them" in page


def test_undoing_a_decline_restores_the_case_and_withdraws_the_invitation(client, declined):
    response = undo(client, declined)
    assert response.status_code == 302
    case = Case.objects.get(pk=declined.pk)
    assert case.state == CaseState.OUTREACH_MADE and case.responded_at is None
    attempt = case.outreach_attempts.get()
    assert case.next_due_at == attempt.made_at + timedelta(hours=ProgramSettings.current().next_attempt_due_hours)
    assert not case.responses.filter(response=Response.DECLINED).exists()
    assert not OutboxMessage.objects.filter(kind="open_invitation").exists()
    entry = AuditEntry.objects.get(action="case.response_undone", object_id=str(case.pk))
    assert entry.detail == {"response": "declined", "invitations_withdrawn": 1}
    page = client.get(response["Location"]).content.decode()
    assert "Undone: the case is waiting for the peer&#x27;s answer again" in page
    assert 'data-testid="response-section"' in page and 'data-testid="undo-response"' not in page


def test_after_the_window_the_decline_stands_and_the_invitation_goes(client, declined, time_machine):
    time_machine.move_to(declined.responded_at + UNDO_WINDOW + timedelta(seconds=1), tick=False)
    assert 'data-testid="undo-response"' not in client.get(reverse("case", args=[declined.pk])).content.decode()
    assert undo(client, declined).status_code == 409
    assert Case.objects.get(pk=declined.pk).state == CaseState.DECLINED
    assert OutboxMessage.objects.get(kind="open_invitation").status == OutboxStatus.PENDING
    assert not AuditEntry.objects.filter(action="case.response_undone").exists()


def test_an_invitation_already_on_its_way_keeps_the_decline(client, declined):
    OutboxMessage.objects.filter(kind="open_invitation").update(status=OutboxStatus.SENDING,
                                                                claimed_at=timezone.now())
    response = undo(client, declined)
    assert response.status_code == 409 and "already gone out" in response.content.decode()
    assert Case.objects.get(pk=declined.pk).state == CaseState.DECLINED
    assert declined.responses.filter(response=Response.DECLINED).exists()


def test_only_a_decline_can_be_undone(client, case):
    client.force_login(case.supporter.person.user)
    case_record_outreach(actor=case.supporter.person.user, case_id=case.pk, channel="call")
    client.post(reverse("case-response", args=[case.pk]), {"response": "accepted"})
    assert undo(client, case).status_code == 409
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_another_supporter_cannot_undo_it(client, declined, supporter_b):
    client.force_login(supporter_b.person.user)
    assert undo(client, declined).status_code == 404
    assert Case.objects.get(pk=declined.pk).state == CaseState.DECLINED
