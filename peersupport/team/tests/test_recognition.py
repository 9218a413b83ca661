"""Each supporter sees their own contribution; the director's recognition list and letters
show only those who opted in, with counts only."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.cases.actions import EncounterInput, case_record_encounter, case_record_outreach
from peersupport.cases.models import Encounter
from peersupport.front.tests.helpers import assign, refer
from peersupport.meetings.models import Invitation
from peersupport.meetings.testing import make_meeting
from peersupport.team.selectors import contributions
from peersupport.team.tests.helpers import sign_in
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(director, referrer, supporter_a):
    """Alex reached out three times to two peers and talked for 30 and 45 minutes."""
    for name in ("Pat Peer", "Quinn Peer"):
        case = refer(referrer, make_person(name=name, department="Emergency")).cases.get()
        assign(director, case, supporter_a)
        case_record_outreach(actor=director, case_id=case.pk, channel="call")
    case_record_outreach(actor=director, case_id=case.pk, channel="text")
    from peersupport.cases.actions import case_record_response

    case_record_response(actor=director, case_id=case.pk, response="accepted")
    for minutes in (30, 45):
        case_record_encounter(actor=director, case_id=case.pk,
                              data=EncounterInput(held_on=date(2026, 11, 21), minutes=minutes, mode="phone"))
    return supporter_a


def test_contribution_counts_outreach_peers_and_minutes(history, supporter_b):
    counts = contributions([history.pk, supporter_b.pk])
    assert (counts[history.pk].outreach, counts[history.pk].peers, counts[history.pk].minutes) == (3, 2, 75)
    assert counts[history.pk].hours == 1.2
    assert (counts[supporter_b.pk].outreach, counts[supporter_b.pk].peers, counts[supporter_b.pk].minutes) == (0, 0, 0)


def test_contribution_counts_the_meetings_a_supporter_came_to(history, supporter_b):
    came, missed, unrecorded = (make_meeting(starts_at=timezone.now() - timedelta(days=days),
                                             invite=[history, supporter_b]) for days in (200, 100, 10))
    Invitation.objects.filter(meeting=came).update(attended=True)
    Invitation.objects.filter(meeting=missed, supporter=history).update(attended=True)
    Invitation.objects.filter(meeting=missed, supporter=supporter_b).update(attended=False)
    counts = contributions([history.pk, supporter_b.pk])
    assert (counts[history.pk].meetings, counts[supporter_b.pk].meetings) == (2, 1)


def test_a_supporter_sees_their_own_contribution(client, history):
    sign_in(client, history)
    page = client.get("/my/team/").content.decode()
    assert 'data-testid="count-outreach">3<' in page and 'data-testid="count-peers">2<' in page
    assert 'data-testid="count-hours">1.2<' in page


def test_only_supporters_who_opted_in_are_recognized_with_counts_only(client, director, history, supporter_b):
    sign_in(client, history)
    client.post("/my/team/recognition/", {"opt_in": "on"})
    sign_in(client, supporter_b)
    client.post("/my/team/recognition/", {})
    assert AuditEntry.objects.filter(action="supporter.recognition_opt_in").count() == 1
    client.force_login(director)
    listing = client.get("/team/recognition/").content.decode()
    assert listing.count('data-testid="recognition-row"') == 1
    assert "Alex Supporter" in listing and "Blair Supporter" not in listing
    letters = client.get("/team/recognition/letters/").content.decode()
    assert letters.count('data-testid="letter"') == 1 and "Thank you, Alex Supporter" in letters
    assert "Pat Peer" not in letters + listing and "Quinn" not in letters + listing
    # Changing one's mind takes the name off.
    sign_in(client, history)
    client.post("/my/team/recognition/", {})
    client.force_login(director)
    assert 'data-testid="recognition-row"' not in client.get("/team/recognition/").content.decode()


def test_a_letter_of_appreciation_leaves_out_what_the_supporter_has_not_yet_done(client, director, history):
    # Outreach and peers, but no conversation time recorded: no "0.0 hours" in a thank-you letter.
    Encounter.objects.all().delete()
    sign_in(client, history)
    client.post("/my/team/recognition/", {"opt_in": "on"})
    client.force_login(director)
    letter = client.get("/team/recognition/letters/").content.decode()
    assert "3 times you reached out" in letter and "2 peers supported" in letter
    assert "hours of conversation" not in letter and "supporter meeting" not in letter
