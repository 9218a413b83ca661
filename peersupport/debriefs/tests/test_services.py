"""Opening, inviting, changing and cancelling a group debrief: each a service in one transaction,
its emails in the outbox with the calendar event."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.debriefs.models import DebriefSession, Invitee
from peersupport.debriefs.services import (
    debrief_cancel,
    debrief_change_invitees,
    debrief_change_time_place,
    debrief_open,
)
from peersupport.debriefs.tests.helpers import debrief_input, event_of, mail_to, method_of, time_place
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.notifications.models import OutboxMessage
from peersupport.roster.models import SupporterStatus
from peersupport.testing.factories import make_person, make_supporter, program_settings


@pytest.fixture
def session(director, supporter_a, supporter_b) -> DebriefSession:
    return debrief_open(actor=director, data=debrief_input(supporter_a, supporter_b))


def test_opening_a_session_invites_both_facilitators_with_its_calendar_event(director, supporter_a, supporter_b):
    session = debrief_open(actor=director, data=debrief_input(supporter_a, supporter_b))

    for supporter in (supporter_a, supporter_b):
        [message] = mail_to(supporter.person.email)
        assert message.kind == "debrief_invitation"
        assert message.subject == "Please facilitate a group debrief"
        assert "Code team" in message.body and f"/debriefs/{session.pk}/" in message.body
        assert message.attachment_name == "debrief.ics" and method_of(message) == "REQUEST"
        event = event_of(message)
        assert str(event["UID"]).startswith(str(session.uid)) and event["SEQUENCE"] == 0
        assert event.decoded("DTSTART") == session.starts_at
    assert AuditEntry.objects.filter(action="debrief.create", object_id=str(session.pk)).exists()


def test_a_facilitator_whose_refresher_is_overdue_is_refused_with_a_clear_message(director, supporter_a):
    overdue = make_supporter(make_person(name="Olive Overdue"), trained_on=timezone.localdate() - timedelta(days=1200))

    with pytest.raises(InvalidInput, match="Olive Overdue's training is not current"):
        debrief_open(actor=director, data=debrief_input(supporter_a, overdue))
    assert not DebriefSession.objects.exists() and not OutboxMessage.objects.exists()


@pytest.mark.parametrize("status", [SupporterStatus.IN_TRAINING, SupporterStatus.PAUSED, SupporterStatus.RETIRED])
def test_a_facilitator_who_is_not_an_active_supporter_is_refused(director, supporter_a, status):
    other = make_supporter(make_person(name="Nat Notnow"), status=status)

    with pytest.raises(InvalidInput, match="Nat Notnow is not an active supporter"):
        debrief_open(actor=director, data=debrief_input(supporter_a, other))


def test_someone_who_is_not_a_supporter_or_the_same_supporter_twice_is_refused(director, supporter_a):
    make_person(name="Sam Stranger", employee_id="S777")
    with pytest.raises(InvalidInput, match="S777 is not a supporter on the team"):
        debrief_open(actor=director, data=debrief_input(
            supporter_a, supporter_a, facilitator_ids=(supporter_a.person.employee_id, "S777")))
    with pytest.raises(InvalidInput, match="two different facilitators"):
        debrief_open(actor=director, data=debrief_input(supporter_a, supporter_a))


def test_a_session_must_name_a_team_and_a_real_department(director, supporter_a, supporter_b):
    with pytest.raises(InvalidInput, match="Name the team"):
        debrief_open(actor=director, data=debrief_input(supporter_a, supporter_b, team_name=" "))
    with pytest.raises(InvalidInput, match="No one active on the roster is in the department"):
        debrief_open(actor=director, data=debrief_input(supporter_a, supporter_b, department="Nowhere"))


def test_a_session_in_the_past_or_a_referral_that_does_not_exist_is_refused(director, supporter_a, supporter_b):
    with pytest.raises(InvalidInput, match="start time in the future"):
        debrief_open(actor=director, data=debrief_input(supporter_a, supporter_b, days_ahead=-1))
    with pytest.raises(InvalidInput, match="No referral has the number 987654"):
        debrief_open(actor=director, data=debrief_input(supporter_a, supporter_b, referral_id=987654))


def test_an_administrator_opens_sessions_only_while_administrators_see_cases(administrator, supporter_a, supporter_b):
    assert debrief_open(actor=administrator, data=debrief_input(supporter_a, supporter_b)).pk
    program_settings(**{"administrators_see_cases": False})
    with pytest.raises(Conflict, match="administrators do not see group debriefs"):
        debrief_open(actor=administrator, data=debrief_input(supporter_a, supporter_b))


def test_ticking_people_invites_each_once_with_the_calendar_event(director, session):
    nurse, medic = make_person(name="Nia Nurse"), make_person(name="Max Medic", email="")

    change = debrief_change_invitees(actor=director, session_id=session.pk, add={nurse.pk, medic.pk})
    again = debrief_change_invitees(actor=director, session_id=session.pk, add={nurse.pk})

    assert (change.added, again.added) == (2, 0)
    [invitation] = mail_to(nurse.email)  # once, however often the page is saved
    assert invitation.subject == "You're invited to a group debrief"
    assert "Hello Nia," in invitation.body and method_of(invitation) == "REQUEST"
    assert Invitee.objects.filter(session=session).count() == 2  # no email for one, still on the list


def test_a_facilitator_or_someone_who_left_is_never_added_to_the_list(director, session, supporter_a):
    gone = make_person(name="Gil Gone", active=False)

    change = debrief_change_invitees(actor=director, session_id=session.pk,
                                     add={gone.pk, supporter_a.person_id})

    assert change.added == 0 and not Invitee.objects.exists()


def test_inviting_a_department_adds_everyone_active_there_and_no_one_else(director, session):
    unit = [make_person(department="4 West") for _ in range(3)]
    make_person(department="4 West", active=False)
    make_person(department="5 East")

    change = debrief_change_invitees(actor=director, session_id=session.pk, department="4 West")

    assert change.added == 3
    assert set(Invitee.objects.values_list("person_id", flat=True)) == {p.pk for p in unit}


def test_unticking_someone_takes_them_off_the_list_and_sends_them_the_cancellation(director, session):
    nurse = make_person(name="Nia Nurse")
    debrief_change_invitees(actor=director, session_id=session.pk, add={nurse.pk})

    change = debrief_change_invitees(actor=director, session_id=session.pk, remove={nurse.pk})

    assert change.removed == 1 and not Invitee.objects.exists()
    invitation, cancellation = mail_to(nurse.email)
    assert cancellation.kind == "debrief_cancellation" and method_of(cancellation) == "CANCEL"
    assert str(event_of(cancellation)["UID"]) == str(event_of(invitation)["UID"])


def test_a_new_time_sends_everyone_an_update_that_replaces_the_event(director, session, supporter_a):
    nurse = make_person(name="Nia Nurse")
    debrief_change_invitees(actor=director, session_id=session.pk, add={nurse.pk})
    later = session.starts_at + timedelta(hours=3)

    changed = debrief_change_time_place(actor=director, session_id=session.pk, data=time_place(later, place="Room 9"))

    assert changed.sequence == 1
    for address in (nurse.email, supporter_a.person.email):
        update = mail_to(address, "debrief_update")[0]
        assert update.subject == "A group debrief has changed" and "Room 9" in update.body
        assert event_of(update)["SEQUENCE"] == 1 and event_of(update).decoded("DTSTART") == later


def test_saving_the_same_time_and_place_writes_to_no_one(director, session):
    before = OutboxMessage.objects.count()

    same = debrief_change_time_place(actor=director, session_id=session.pk,
                                     data=time_place(session.starts_at, place=session.place))

    assert same.sequence == 0 and OutboxMessage.objects.count() == before


def test_cancelling_tells_everyone_with_method_cancel_and_closes_the_session(director, session, supporter_b):
    nurse = make_person(name="Nia Nurse")
    debrief_change_invitees(actor=director, session_id=session.pk, add={nurse.pk})

    debrief_cancel(actor=director, session_id=session.pk)

    for address in (nurse.email, supporter_b.person.email):
        [cancellation] = mail_to(address, "debrief_cancellation")
        assert method_of(cancellation) == "CANCEL" and event_of(cancellation)["STATUS"] == "CANCELLED"
    with pytest.raises(Conflict, match="cancelled"):
        debrief_change_invitees(actor=director, session_id=session.pk, add={make_person().pk})


def test_a_change_that_fails_sends_nothing(director, session):
    nurse = make_person(name="Nia Nurse")
    before = OutboxMessage.objects.count()

    with pytest.raises(InvalidInput):
        debrief_change_invitees(actor=director, session_id=session.pk, add={nurse.pk}, remove={nurse.pk})

    assert OutboxMessage.objects.count() == before and not Invitee.objects.exists()
