"""Thousands of recipients: a batch costs no query per person, and the staff pages cost the same
whatever the number of rows shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peersupport.accounts.models import Role
from peersupport.notifications.models import OutboxMessage, OutboxPriority
from peersupport.recruitment.models import Candidate, Nomination
from peersupport.recruitment.services import SEND_BATCH, campaign_send, campaign_send_all, campaign_send_batch
from peersupport.recruitment.tests.factories import make_campaign
from peersupport.roster.models import Person
from peersupport.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db


def roster_of(count: int) -> None:
    Person.objects.bulk_create(
        Person(employee_id=f"S{i:06d}", name=f"Staff Member {i}", email=f"staff{i}@example.org") for i in range(count))


def test_a_campaign_to_thousands_is_sent_in_batches_with_no_query_per_person():
    staff = make_user(Role.ADMINISTRATOR)
    roster_of(2 * SEND_BATCH + 200)
    campaign = make_campaign(staff)
    campaign_send(actor=staff, campaign_id=campaign.pk)
    with CaptureQueriesContext(connection) as batch:
        assert campaign_send_batch(campaign.pk)
    # No query per person: the campaign, the people, the cursor, the invitations, then the outbox's
    # inserts and its delivery tasks (one per 20 emails, each sent over one SMTP session).
    assert len(batch.captured_queries) < SEND_BATCH / 10
    campaign_send_all(campaign.pk)
    messages = OutboxMessage.objects.all()
    assert messages.count() == 2 * SEND_BATCH + 200
    assert set(messages.values_list("priority", flat=True)) == {OutboxPriority.BULK}
    assert messages.values("to").distinct().count() == 2 * SEND_BATCH + 200


@pytest.mark.parametrize("rows", [3, 30])
def test_the_pipeline_page_costs_the_same_whatever_the_number_of_candidates(client, rows):
    staff = make_user(Role.DIRECTOR)
    campaign = make_campaign(staff)
    nominator = make_person()
    for _ in range(rows):
        person = make_person()
        Candidate.objects.create(person=person, nominator_count=1)
        Nomination.objects.create(campaign=campaign, nominator=nominator, nominee=person, reasons=["calm"])
    client.force_login(staff)
    with CaptureQueriesContext(connection) as page:
        assert client.get("/recruiting/candidates/").status_code == 200
    assert len(page.captured_queries) <= 12


@pytest.mark.parametrize("rows", [2, 20])
def test_the_campaign_list_costs_the_same_whatever_the_number_of_campaigns(client, rows):
    staff = make_user(Role.ADMINISTRATOR)
    for i in range(rows):
        make_campaign(staff, name=f"Campaign {i}")
    client.force_login(staff)
    with CaptureQueriesContext(connection) as page:
        assert client.get("/recruiting/").status_code == 200
    assert len(page.captured_queries) <= 12
