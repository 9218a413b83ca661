"""Nomination campaigns: the audience, the invitation's text, sending in batches, never twice."""

import re
from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditEntry
from peersupport.cases.timeliness import send_due_notices
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.notifications.models import OutboxMessage, OutboxPriority
from peersupport.program.models import Program
from peersupport.recruitment import services
from peersupport.recruitment.invitation import DEFAULT_BODY, check_invitation, render_invitation
from peersupport.recruitment.models import CampaignStatus, Invitation
from peersupport.recruitment.selectors import Audience, audience_count, audience_people
from peersupport.recruitment.services import (
    NOMINATION_KIND,
    STALLED_AFTER,
    campaign_send,
    campaign_send_all,
    campaign_send_batch,
    campaign_update,
)
from peersupport.recruitment.tests.factories import make_campaign
from peersupport.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_user(Role.ADMINISTRATOR)


def test_the_served_population_is_every_active_person_with_an_address_in_a_served_role():
    served = make_person(role_type="physician")
    make_person(role_type="nurse")  # not served by default
    make_person(role_type="resident", active=False)
    make_person(role_type="fellow", email="")
    assert list(audience_people(Audience(kind="served", program_id=Program.default().pk))) == [served]


def test_a_chosen_audience_narrows_by_each_list_given():
    cardiology_main = make_person(department="Cardiology", site="Main")
    make_person(department="Cardiology", site="North")
    make_person(department="Surgery", site="Main")
    nurse = make_person(department="Cardiology", site="Main", role_type="nurse")
    chosen = Audience(kind="chosen", departments=("Cardiology",), sites=("Main",), program_id=Program.default().pk)
    assert list(audience_people(chosen)) == [cardiology_main]
    with_nurses = Audience(kind="chosen", departments=("Cardiology",), sites=("Main",),
                           role_types=("physician", "nurse"), program_id=Program.default().pk)
    assert set(audience_people(with_nurses)) == {cardiology_main, nurse}
    assert audience_count(with_nurses) == 2


def test_the_invitation_must_carry_the_link_placeholder():
    with pytest.raises(InvalidInput, match=r"\{link\}"):
        check_invitation("Hello", "Dear {first_name}, please nominate.")
    with pytest.raises(InvalidInput, match="Unknown placeholder"):
        check_invitation("Hello", "Dear {name}: {link}")
    with pytest.raises(InvalidInput, match="not in the subject"):
        check_invitation("Your link {link}", "Here: {link}")
    assert check_invitation("  Hello  there ", DEFAULT_BODY).subject == "Hello there"


def test_the_invitation_is_rendered_for_one_person_with_their_link():
    subject, body = render_invitation("For {first_name}", "Hi {first_name}: {link} ({about_link})",
                                      name="Robin Lee", link="https://x/nominate/t/")
    assert subject == "For Robin"
    assert "Hi Robin: https://x/nominate/t/ (" in body and "/support/what-supporters-do/" in body


def test_a_draft_can_be_changed_but_not_once_sending_started(staff):
    make_person()
    campaign = make_campaign(staff)
    from peersupport.recruitment.services import CampaignInput

    data = CampaignInput(name="Renamed", audience=Audience(kind="served"), subject="S", body="Go: {link}")
    assert campaign_update(actor=staff, campaign_id=campaign.pk, data=data).name == "Renamed"
    campaign_send(actor=staff, campaign_id=campaign.pk)
    with pytest.raises(Conflict):
        campaign_update(actor=staff, campaign_id=campaign.pk, data=data)


def test_sending_writes_one_bulk_email_per_person_each_with_its_own_link(staff):
    people = [make_person(department="Cardiology") for _ in range(5)]
    make_person(department="Surgery")
    campaign = make_campaign(staff, Audience(kind="chosen", departments=("Cardiology",)))
    campaign_send(actor=staff, campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING and campaign.audience_size == 5
    assert campaign_send_all(campaign.pk) == 5
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT and campaign.invited_count == 5
    messages = OutboxMessage.objects.filter(kind=NOMINATION_KIND)
    assert sorted(m.to for m in messages) == sorted(p.email for p in people)
    assert {m.priority for m in messages} == {OutboxPriority.BULK}
    links = {re.search(r"/nominate/(\S+)/", m.body).group(1) for m in messages}
    assert len(links) == 5
    assert Invitation.objects.filter(campaign=campaign).count() == 5
    assert AuditEntry.objects.filter(action="campaign.sent").count() == 1


def test_sending_goes_in_batches_and_picks_up_where_it_stopped(staff):
    for _ in range(7):
        make_person()
    campaign = make_campaign(staff)
    campaign_send(actor=staff, campaign_id=campaign.pk)
    assert campaign_send_batch(campaign.pk, size=3)
    campaign.refresh_from_db()
    assert campaign.invited_count == 3 and OutboxMessage.objects.count() == 3
    # The task died here; queued again, it goes on from the cursor.
    assert campaign_send_all(campaign.pk) == 4
    assert OutboxMessage.objects.count() == 7
    assert OutboxMessage.objects.values("to").distinct().count() == 7


def test_sending_twice_never_sends_twice(staff):
    make_person()
    make_person()
    campaign = make_campaign(staff)
    campaign_send(actor=staff, campaign_id=campaign.pk)
    campaign_send(actor=staff, campaign_id=campaign.pk)  # pressed again while sending: resumes only
    campaign_send_all(campaign.pk)
    campaign_send_all(campaign.pk)
    assert OutboxMessage.objects.count() == 2
    with pytest.raises(Conflict, match="already sent"):
        campaign_send(actor=staff, campaign_id=campaign.pk)
    assert AuditEntry.objects.filter(action="campaign.send").count() == 1


def test_a_batch_another_worker_took_meanwhile_is_not_written_again(staff, monkeypatch):
    make_person()
    make_person()
    campaign = make_campaign(staff)
    campaign_send(actor=staff, campaign_id=campaign.pk)
    real, raced = services.audience_people, []

    def racing(audience):
        if not raced:  # another worker takes the same first batch after this one read the cursor
            raced.append(True)
            campaign_send_batch(campaign.pk, size=1)
        return real(audience)

    monkeypatch.setattr(services, "audience_people", racing)
    assert campaign_send_batch(campaign.pk, size=1)  # refused by the conditional update: look again
    assert OutboxMessage.objects.count() == 1
    campaign_send_all(campaign.pk)
    assert OutboxMessage.objects.count() == 2
    assert OutboxMessage.objects.values("to").distinct().count() == 2


def test_an_empty_audience_cannot_be_sent(staff):
    campaign = make_campaign(staff, Audience(kind="chosen", departments=("Nowhere",)))
    with pytest.raises(InvalidInput, match="Nobody"):
        campaign_send(actor=staff, campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_a_chosen_audience_needs_a_group(staff):
    with pytest.raises(InvalidInput, match="at least one department"):
        make_campaign(staff, Audience(kind="chosen"))


def _queued_sending_tasks() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="send_campaign", status="READY").count()


def test_a_campaign_whose_sending_stopped_goes_on_by_itself_from_the_reminders_job(staff):
    for _ in range(5):
        make_person()
    campaign = make_campaign(staff)
    with TestCase.captureOnCommitCallbacks(execute=True):
        campaign_send(actor=staff, campaign_id=campaign.pk)
    assert campaign_send_batch(campaign.pk, size=2)
    DBTaskResult.objects.all().delete()  # the worker died with the task: nothing is queued any more
    started = timezone.now()
    send_due_notices(now=started + timedelta(minutes=5))
    assert _queued_sending_tasks() == 0  # five quiet minutes: still just busy
    send_due_notices(now=started + STALLED_AFTER + timedelta(minutes=1))
    assert _queued_sending_tasks() == 1
    assert campaign_send_all(campaign.pk) == 3
    assert OutboxMessage.objects.values("to").distinct().count() == OutboxMessage.objects.count() == 5
    send_due_notices(now=started + 2 * STALLED_AFTER)  # sent: nothing more to resume
    assert _queued_sending_tasks() == 1
