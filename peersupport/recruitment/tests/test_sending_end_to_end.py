"""A campaign sent by the real background worker to a real SMTP server on loopback: each colleague
gets one email with their own link, and the link opens their nomination page."""

import pytest
from django.test import Client

from peersupport.accounts.models import Role
from peersupport.notifications.testing import run_worker_until_idle
from peersupport.recruitment.models import Campaign, CampaignStatus
from peersupport.recruitment.services import campaign_send
from peersupport.recruitment.tests.factories import make_campaign
from peersupport.recruitment.tests.helpers import link_path
from peersupport.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_sends_a_campaign_and_every_colleague_gets_their_own_working_link(smtp_server, settings):
    staff = make_user(Role.ADMINISTRATOR)
    people = [make_person(name=f"Colleague {i}", email=f"colleague{i}@example.org") for i in range(3)]
    campaign = make_campaign(staff, name="Everyone, autumn")
    campaign_send(actor=staff, campaign_id=campaign.pk)  # commits: the task is queued
    run_worker_until_idle()  # the campaign's task writes the outbox, then the delivery tasks send
    run_worker_until_idle()
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENT
    received = {message["To"]: message for message in smtp_server.messages}
    assert set(received) == {person.email for person in people}
    paths = {link_path(message.get_content(), "/nominate/") for message in received.values()}
    assert len(paths) == 3
    page = Client().get(next(iter(paths)))
    assert page.status_code == 200 and "Everyone, autumn" in page.content.decode()
