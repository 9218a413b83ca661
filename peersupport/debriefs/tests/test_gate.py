"""The group debrief's gate: who may see a session (and its invitee list, which says who the event
touched), who may change it, and that every access is audited like a case's."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.debriefs.models import DebriefSession
from peersupport.debriefs.testing import make_debrief, time_place_body
from peersupport.roster.models import Supporter
from peersupport.support.tests.helpers import blank_tokens
from peersupport.testing.factories import make_person, make_supporter, program_settings

PAGES = ["debrief", "debrief-edit", "debrief-invitees", "debrief-record"]


@pytest.fixture
def session(supporter_a) -> DebriefSession:
    """Supporter A facilitates, with a third supporter; supporter B has nothing to do with it."""
    return make_debrief(supporter_a, make_supporter(make_person(name="Cleo Cofacilitator")),
                        starts_at=timezone.now() - timedelta(minutes=30), hours=2,
                        invite=[make_person(name="Nia Nurse", department="4 West")])


def signed_in(who) -> Client:
    client = Client()
    client.force_login(who.person.user if isinstance(who, Supporter) else who)
    return client


def path(name: str, session: DebriefSession) -> str:
    return f"/debriefs/{session.pk}/" + {"debrief": "", "debrief-edit": "edit/", "debrief-invitees": "invitees/",
                                         "debrief-record": "record/"}[name]


def test_a_facilitator_sees_the_session_and_its_invitees_and_records_it(session, supporter_a):
    client = signed_in(supporter_a)

    page = client.get(path("debrief", session))
    recorded = client.post(path("debrief-record", session), {"attendance_count": 6, "minutes": 45})

    assert page.status_code == 200 and b"Nia Nurse" in page.content
    assert b'data-testid="debrief-invitees"' not in page.content  # changing the list is the staff's
    assert recorded.status_code == 302
    session.refresh_from_db()
    assert session.attendance_count == 6


def test_a_facilitator_may_not_change_the_session(session, supporter_a):
    client = signed_in(supporter_a)

    assert client.get(path("debrief-invitees", session)).status_code == 403
    assert client.post(path("debrief-edit", session),
                       time_place_body(timezone.localtime() + timedelta(days=1))).status_code == 403
    assert client.post(f"/debriefs/{session.pk}/cancel/").status_code == 403
    session.refresh_from_db()
    assert session.cancelled_at is None


def test_a_supporter_who_does_not_facilitate_it_finds_no_such_session(session, supporter_b):
    client = signed_in(supporter_b)
    missing = client.get("/debriefs/987654/")

    for name in ("debrief", "debrief-record"):
        answer = client.get(path(name, session))
        assert answer.status_code == 404
        assert blank_tokens(answer.content.decode()) == blank_tokens(missing.content.decode())
    assert client.post(path("debrief-record", session), {"attendance_count": 6, "minutes": 45}).status_code == 404
    session.refresh_from_db()
    assert session.recorded_at is None
    assert not AuditEntry.objects.filter(action__startswith="debrief.", object_id=str(session.pk)).exists()


def test_the_administrator_sees_sessions_only_while_administrators_see_cases(session, administrator):
    client = signed_in(administrator)
    assert client.get(path("debrief", session)).status_code == 200

    program_settings(**{"administrators_see_cases": False})

    for name in PAGES:
        assert client.get(path(name, session)).status_code == 404
    listing = client.get("/debriefs/")
    assert listing.status_code == 200 and b"Code team" not in listing.content
    assert b'data-testid="debriefs-not-shown"' in listing.content


@pytest.mark.parametrize("persona", ["referrer", "leader", "outsider", "integration"])
def test_referrers_leaders_clinicians_and_integrations_are_refused(request, session, persona):
    client = signed_in(request.getfixturevalue(persona))

    for name in PAGES:
        answer = client.get(path(name, session))
        assert answer.status_code == 403 and b"Nia Nurse" not in answer.content
    assert client.get("/debriefs/").status_code == 403


def test_every_look_at_a_session_is_audited_with_who_and_what(session, director, supporter_a):
    signed_in(director).get(path("debrief", session))
    signed_in(supporter_a).get(path("debrief-record", session))
    signed_in(director).get("/debriefs/")

    entries = AuditEntry.objects.filter(object_id=str(session.pk), action__startswith="debrief.")
    assert list(entries.order_by("pk").values_list("actor_id", "action")) == [
        (director.pk, "debrief.view"), (supporter_a.person.user.pk, "debrief.view"), (director.pk, "debrief.list")]
