"""The program's own staff: protected time, absence, and the deputy who gets the director's notices."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditEntry
from peersupport.cases.actions import case_raise_safety_escalation
from peersupport.cases.timeliness import send_due_notices
from peersupport.front.tests.helpers import assign, refer
from peersupport.lib.errors import InvalidInput
from peersupport.notifications.models import OutboxMessage
from peersupport.program.models import StaffMember
from peersupport.program.staff import StaffInput, director_recipients, program_staff_update
from peersupport.testing.factories import make_person, make_user

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
HOUR = timedelta(hours=1)


@pytest.fixture
def deputy(db):
    return make_user(Role.ADMINISTRATOR, email="deputy@example.org")


def away(director, deputy, first: date, last: date) -> StaffMember:
    return program_staff_update(actor=director, data=StaffInput(
        protected_time_percent=15, away_from=first, away_until=last, deputy_id=deputy.pk))


def escalations() -> list[str]:
    return sorted(OutboxMessage.objects.filter(kind="step_escalation").values_list("to", flat=True))


@pytest.fixture
def late_case(time_machine, director, referrer, supporter_a):
    time_machine.move_to(START, tick=False)
    case = assign(director, refer(referrer, make_person(name="Pat Peer")).cases.get(), supporter_a)
    # The first outreach was due 24 hours after assignment; 4 hours later it is escalated.
    time_machine.move_to(START + 29 * HOUR, tick=False)
    return case


def test_a_late_step_escalates_to_the_deputy_while_the_director_is_away(late_case, director, deputy):
    away(director, deputy, TODAY, TODAY + timedelta(days=7))
    assert send_due_notices().escalations == 1
    assert escalations() == [deputy.email]


def test_a_late_step_escalates_to_the_director_when_they_are_not_away(late_case, director, deputy):
    away(director, deputy, TODAY + timedelta(days=3), TODAY + timedelta(days=7))
    send_due_notices()
    assert escalations() == [director.email]


def test_after_the_last_day_away_the_director_gets_their_escalations_again(late_case, director, deputy):
    away(director, deputy, TODAY - timedelta(days=9), TODAY - timedelta(days=1))
    send_due_notices()
    assert escalations() == [director.email]


def test_a_safety_escalation_reaches_the_away_director_and_the_deputy(late_case, director, deputy, supporter_a):
    away(director, deputy, TODAY, TODAY + timedelta(days=3))
    case_raise_safety_escalation(actor=supporter_a.person.user, case_id=late_case.pk)
    sent = sorted(OutboxMessage.objects.filter(kind="safety_escalation").values_list("to", flat=True))
    assert sent == sorted([director.email, deputy.email])


def test_a_new_referral_is_told_to_the_deputy_while_the_director_is_away(director, deputy, referrer, time_machine):
    time_machine.move_to(START, tick=False)
    away(director, deputy, TODAY, TODAY + timedelta(days=1))
    refer(referrer, make_person())
    assert list(OutboxMessage.objects.filter(kind="new_referral").values_list("to", flat=True)) == [deputy.email]


def test_a_deputy_who_left_does_not_take_the_notices_away_from_the_director(director, deputy):
    away(director, deputy, TODAY, TODAY + timedelta(days=1))
    deputy.is_active = False
    deputy.save()
    assert director_recipients(today=TODAY) == [director.email]


def test_a_second_director_who_is_not_away_still_gets_their_own(director, deputy):
    other = make_user(Role.DIRECTOR, email="second.director@example.org")
    away(director, deputy, TODAY, TODAY)
    assert director_recipients(today=TODAY) == [deputy.email, other.email]
    assert director_recipients(today=TODAY, urgent=True) == [deputy.email, director.email, other.email]


@pytest.mark.parametrize(("data", "message"), [
    (StaffInput(101, None, None, None), "0 to 100%"),
    (StaffInput(15, TODAY, None, None), "both the first and the last day"),
    (StaffInput(15, TODAY, TODAY - timedelta(days=1), None), "before the first"),
    (StaffInput(15, TODAY, TODAY + timedelta(days=3), None), "Name a deputy"),
    (StaffInput(15, TODAY, TODAY + timedelta(days=400), None), "at most a year"),
])
def test_bad_staff_input_is_refused_and_changes_nothing(director, data, message):
    with pytest.raises(InvalidInput, match=message):
        program_staff_update(actor=director, data=data)
    assert not StaffMember.objects.exists()


def test_the_deputy_is_another_active_director_or_administrator(director, referrer):
    for who in (director, referrer):
        with pytest.raises(InvalidInput, match="another active director or administrator"):
            program_staff_update(actor=director, data=StaffInput(15, None, None, who.pk))


def test_the_director_sets_their_time_and_deputy_on_the_staff_page(client, director, deputy, administrator):
    client.force_login(director)
    response = client.post(reverse("program-staff"), {
        "protected_time_percent": "20", "away_from": "2026-12-20", "away_until": "2027-01-02",
        "deputy": str(deputy.pk)})
    assert response.status_code == 302
    staff = StaffMember.objects.get(user=director)
    assert (staff.protected_time_percent, staff.deputy, staff.away_until) == (20, deputy, date(2027, 1, 2))
    assert AuditEntry.objects.filter(action="program.staff_update").count() == 1
    page = client.get(reverse("program-staff")).content.decode()
    assert "20%" in page and administrator.email in page


def test_bad_input_on_the_staff_page_answers_422_and_says_why(client, director):
    client.force_login(director)
    response = client.post(reverse("program-staff"), {"protected_time_percent": "150"})
    assert response.status_code == 422
    response = client.post(reverse("program-staff"), {"protected_time_percent": "15", "away_from": "2026-12-20",
                                                      "away_until": "2026-12-10"})
    assert response.status_code == 422
    assert "The last day away is before the first." in response.content.decode()
    assert not StaffMember.objects.exists()


def test_the_administrator_reads_the_staff_page_and_cannot_change_it(client, administrator, director):
    client.force_login(administrator)
    page = client.get(reverse("program-staff"))
    assert page.status_code == 200 and b'data-testid="read-only"' in page.content
    assert client.post(reverse("program-staff"), {"protected_time_percent": "15"}).status_code == 403


def test_the_deputy_is_told_once_what_comes_to_them_and_when(director, deputy):
    away(director, deputy, TODAY, TODAY + timedelta(days=7))
    away(director, deputy, TODAY, TODAY + timedelta(days=7))  # saved again unchanged: no second email
    [notice] = OutboxMessage.objects.filter(kind="deputy")
    assert notice.to == deputy.email and notice.subject == "You are deputizing for the program director"
    assert "Tuesday, December 1, 2026 to Tuesday, December 8, 2026" in notice.body
    assert "Safety escalations reach you both." in notice.body


def test_the_staff_page_names_staff_and_deputies_as_the_roster_does(client, director, administrator):
    deputy = make_user(Role.ADMINISTRATOR, email="a.deputy@example.org", person=make_person(name="Avery Deputy"))
    client.force_login(director)
    client.post(reverse("program-staff"), {"protected_time_percent": "15", "deputy": str(deputy.pk)})
    page = client.get(reverse("program-staff")).content.decode()
    assert "Dora Director" in page and "Avery Deputy (Program administrator)" in page
    # In the table, the deputy by name; a login not on the roster by its address.
    assert "<td>Avery Deputy</td>" in page and administrator.email in page
