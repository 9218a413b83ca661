"""The directors' queue says when audit entries wait too long to be sealed into the hash chain:
the sealing step (`seal_audit --loop 5`) is not running, and new entries are not yet protected."""


import pytest
from django.urls import reverse

from peersupport.audit.chain import seal_pending
from peersupport.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_the_queue_warns_when_audit_entries_wait_too_long_to_be_sealed(client, director, time_machine, settings):
    settings.AUDIT_UNSEALED_ALERT_SECONDS = 300

    def queue() -> str:
        client.force_login(director)  # a fresh session at each moment the clock is moved to
        response = client.get(reverse("queue"))
        assert response.status_code == 200
        return response.content.decode()

    seal_pending("default")
    time_machine.move_to("2026-12-01 09:00:00Z", tick=False)
    audit_record(actor=director, action="case.view", object_type="case", object_id=1)
    time_machine.move_to("2026-12-01 09:04:00Z", tick=False)
    page = queue()
    assert 'data-testid="audit-unsealed-alert"' not in page  # four minutes: not yet

    time_machine.move_to("2026-12-01 09:05:30Z", tick=False)
    page = queue()
    assert 'data-testid="audit-unsealed-alert"' in page
    assert "seal_audit --loop 5" in page and "waiting since Dec 1" in page

    seal_pending("default")  # the sealing step runs again: the warning goes
    page = queue()
    assert 'data-testid="audit-unsealed-alert"' not in page
