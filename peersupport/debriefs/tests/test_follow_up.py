"""After the session: the structured record, and the follow-up email whose personal link lets anyone
invited ask for one-to-one support without an account; that becomes an ordinary case."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from peersupport.cases.models import Case, CaseState
from peersupport.debriefs.links import FOLLOW_UP
from peersupport.debriefs.models import DebriefSession
from peersupport.debriefs.services import debrief_cancel
from peersupport.debriefs.services_record import RecordInput, debrief_record, debrief_send_follow_up
from peersupport.debriefs.testing import make_debrief
from peersupport.debriefs.tests.helpers import link_in, mail_to
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.meetings.links import RSVP
from peersupport.referrals.models import Referral, Source
from peersupport.resources.models import Resource, ResourceCategory
from peersupport.support.links import sign_link
from peersupport.testing.factories import make_person


@pytest.fixture
def nurse():
    return make_person(name="Nia Nurse", department="4 West")


@pytest.fixture
def held(supporter_a, supporter_b, nurse) -> DebriefSession:
    """A session that took place yesterday, with one invitee with an email and one without."""
    return make_debrief(supporter_a, supporter_b, starts_at=timezone.now() - timedelta(days=1),
                        invite=[nurse, make_person(name="Max Medic", email="")])


def test_the_record_keeps_a_count_minutes_topics_and_resources_and_nothing_else(director, held):
    eap = Resource.objects.create(name="Employee Assistance Program", category=ResourceCategory.COUNSELING)

    debrief_record(actor=director, session_id=held.pk,
                   data=RecordInput(attendance_count=9, minutes=75, topics=("coping", "normalizing"),
                                    resource_ids=(eap.pk,)))

    held.refresh_from_db()
    assert (held.attendance_count, held.minutes) == (9, 75)
    assert held.topics == ["normalizing", "coping"]  # in the guide's order
    assert list(held.resources.all()) == [eap]
    text_fields = [f.name for f in DebriefSession._meta.get_fields()
                   if f.get_internal_type() in ("TextField",)]
    assert text_fields == []  # no note, anywhere


def test_the_record_refuses_unknown_topics_retired_resources_and_impossible_numbers(director, held):
    retired = Resource.objects.create(name="Old line", category=ResourceCategory.OTHER, active=False)
    for data, reason in [(RecordInput(5, 60, topics=("gossip",)), "topics"),
                         (RecordInput(5, 60, resource_ids=(retired.pk,)), "resources"),
                         (RecordInput(-1, 60), "how many people came"),
                         (RecordInput(5, 0), "how long")]:
        with pytest.raises(InvalidInput, match=reason):
            debrief_record(actor=director, session_id=held.pk, data=data)
    held.refresh_from_db()
    assert held.recorded_at is None


def test_a_session_is_recorded_once_it_has_started(director, supporter_a, supporter_b):
    coming = make_debrief(supporter_a, supporter_b)

    with pytest.raises(Conflict, match="once it has started"):
        debrief_record(actor=director, session_id=coming.pk, data=RecordInput(5, 60))


def test_the_follow_up_waits_until_the_session_is_over(director, supporter_a, supporter_b, nurse):
    coming = make_debrief(supporter_a, supporter_b, invite=[nurse])

    with pytest.raises(Conflict, match="once the session is over"):
        debrief_send_follow_up(actor=director, session_id=coming.pk)
    assert mail_to(nurse.email) == []


def test_the_follow_up_goes_to_every_invitee_once_with_their_own_link(director, held, nurse):
    late = make_person(name="Lou Late")

    assert debrief_send_follow_up(actor=director, session_id=held.pk) == 1  # Max Medic has no email
    assert debrief_send_follow_up(actor=director, session_id=held.pk) == 0  # pressed again: no one twice
    held.invitees.create(person=late)
    assert debrief_send_follow_up(actor=director, session_id=held.pk) == 1  # added late: written to now

    [message] = mail_to(nurse.email)
    assert message.kind == "debrief_follow_up" and message.subject == "Thank you, and a colleague if you'd like one"
    assert "Hello Nia," in message.body and "4 West" not in message.subject
    assert link_in(message.body) != link_in(mail_to(late.email)[0].body)


def follow_up_link(director, held, nurse) -> str:
    debrief_send_follow_up(actor=director, session_id=held.pk)
    return link_in(mail_to(nurse.email)[0].body)


def test_the_link_only_asks_to_confirm_then_opens_an_ordinary_case(client: Client, director, held, nurse):
    url = follow_up_link(director, held, nurse)

    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="debrief-talk"' in page.content
    assert not Case.objects.exists()  # a mail scanner opening the link changes nothing

    response = client.post(url)

    assert response.status_code == 302 and response["Location"] == "/support/main/thanks/"  # the program's own
    case = Case.objects.get()
    assert case.peer == nurse and case.state == CaseState.AWAITING_ASSIGNMENT
    referral = Referral.objects.get()
    assert referral.source == Source.GROUP_DEBRIEF and referral.referred_by is None
    assert (referral.category, referral.occurred_on) == (held.category, held.event_on)


def test_a_used_link_gives_the_kind_page(client: Client, director, held, nurse):
    url = follow_up_link(director, held, nurse)
    client.post(url)

    for answer in (client.get(url), client.post(url)):
        assert answer.status_code == 410 and b"already been used" in answer.content
    assert Case.objects.count() == 1


def test_an_expired_or_altered_link_gives_the_kind_page(client: Client, director, held, nurse, settings):
    url = follow_up_link(director, held, nurse)

    altered = client.post(url[:-3] + "xx/")
    assert altered.status_code == 410 and b"not complete" in altered.content
    with time_machine.travel(timezone.now() + timedelta(days=settings.INVITATION_LINK_DAYS + 1)):
        expired = client.post(url)
    assert expired.status_code == 410 and b"expired" in expired.content
    assert not Case.objects.exists()


def test_a_link_made_for_another_purpose_opens_nothing(client: Client, held, nurse):
    rsvp_shaped = sign_link(RSVP, {"d": held.pk, "p": nurse.pk})

    answer = client.post(f"/support/debrief/{rsvp_shaped}/")

    assert answer.status_code == 410 and not Case.objects.exists()


def test_the_link_of_a_cancelled_session_or_of_someone_not_invited_gives_the_kind_page(client: Client, director,
                                                                                        supporter_a, supporter_b):
    nurse, stranger = make_person(name="Nia Nurse"), make_person(name="Sam Stranger")
    coming = make_debrief(supporter_a, supporter_b, invite=[nurse])
    for person in (nurse, stranger):
        if person is nurse:
            debrief_cancel(actor=director, session_id=coming.pk)
        token = sign_link(FOLLOW_UP, {"d": coming.pk, "p": person.pk})
        answer = client.post(f"/support/debrief/{token}/")
        assert answer.status_code == 410 and b"could not take a request" in answer.content
    assert not Case.objects.exists()


def test_a_peer_with_an_open_case_is_not_given_a_second_one(client: Client, director, held, nurse):
    first = follow_up_link(director, held, nurse)
    client.post(first)
    again = client.post(f"/support/debrief/{sign_link(FOLLOW_UP, {'d': held.pk, 'p': nurse.pk})}/")

    assert again.status_code == 302
    assert Case.objects.filter(peer=nurse).count() == 1  # the second request is linked to the open case


def test_the_group_debrief_source_is_refused_without_the_link(client: Client, referrer):
    from peersupport.accounts.models import ApiToken

    peer = make_person(name="Pat Peer")
    body = {"event": {"category": "other", "occurred_on": timezone.localdate().isoformat(),
                      "summary": "A hard night on the ward."},
            "involved": [{"employee_id": peer.employee_id}], "source": "group_debrief"}
    answer = client.post("/api/v1/referrals", body, content_type="application/json",
                         headers={"Authorization": f"Bearer {ApiToken.issue(referrer)[1]}"})

    assert answer.status_code == 422 and "personal link" in answer.content.decode()
    assert not Referral.objects.exists()
