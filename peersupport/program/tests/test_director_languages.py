"""The directors' notices are written in each director's own language: two directors of one
program who read different languages each get their own, and the language of whoever caused the
notice plays no part."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from peersupport.accounts.models import Role
from peersupport.cases.actions import case_hand_back, case_raise_safety_escalation
from peersupport.cases.services import case_assign
from peersupport.cases.timeliness import send_due_notices
from peersupport.notifications.models import OutboxMessage
from peersupport.notifications.services import _tell_directors_of_set_aside_mail
from peersupport.program.models import StaffMember
from peersupport.program.staff import director_audience, in_each_language
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.testing.factories import make_person, make_supporter, make_user
from peersupport.testing.i18n import spanish_catalogs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogs():
    spanish_catalogs()


@pytest.fixture
def directors():
    english = make_user(Role.DIRECTOR, email="dana@example.org", person=make_person(name="Dana Director"))
    spanish = make_user(Role.DIRECTOR, email="lucia@example.org",
                        person=make_person(name="Lucía Directora", language="es"))
    return english, spanish


def _case(peer=None):
    referral, _ = referral_create(referred_by=make_user(Role.REFERRER), data=ReferralInput(
        category="patient_aggression", occurred_on=date(2026, 11, 20),
        summary="A patient became violent in the waiting room.",
        involved_employee_ids=[(peer or make_person()).employee_id], source="safety_report"))
    return referral.cases.get()


def _subjects(kind):
    return dict(OutboxMessage.objects.filter(kind=kind).values_list("to", "subject"))


def test_each_director_hears_of_a_new_referral_in_their_own_language(directors):
    with translation.override("es"):  # the request that caused it plays no part
        _case(make_person(language="es"))
    assert _subjects("new_referral") == {
        "dana@example.org": "1 new case is waiting for assignment",
        "lucia@example.org": "1 caso nuevo espera asignación",
    }


def test_a_handed_back_case_and_a_safety_concern_reach_each_director_in_their_language(directors):
    director = directors[0]
    supporter = make_supporter(make_person(name="Sam Supporter", email="sam@example.org"))
    supporter_login = make_user(Role.SUPPORTER, person=supporter.person)
    case = _case()
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter.person.employee_id)
    case_raise_safety_escalation(actor=supporter_login, case_id=case.pk)
    escalations = _subjects("safety_escalation")
    assert escalations["dana@example.org"] == "Urgent: a supporter has raised a safety concern"
    assert escalations["lucia@example.org"] != escalations["dana@example.org"]
    assert escalations["lucia@example.org"].startswith("Urgente")

    case_hand_back(actor=supporter_login, case_id=case.pk, reason="no_capacity")
    bodies = dict(OutboxMessage.objects.filter(kind="handback").values_list("to", "body"))
    assert bodies["dana@example.org"].startswith("A supporter has handed a case back")
    assert bodies["lucia@example.org"] != bodies["dana@example.org"]
    # The reason from the fixed list is in the reader's language too, not the supporter's.
    with translation.override("es"):
        from peersupport.cases.models import DeclineReason
        spanish_reason = str(DeclineReason("no_capacity").label).lower()
    assert spanish_reason in bodies["lucia@example.org"]
    assert spanish_reason not in bodies["dana@example.org"]


def test_a_late_step_escalates_to_each_director_in_their_language(directors):
    case = _case()
    case.refresh_from_db()
    send_due_notices(now=case.next_due_at + timedelta(days=3))
    reminders = _subjects("step_reminder")
    assert reminders["dana@example.org"] == "A case is waiting for a supporter"
    assert reminders["lucia@example.org"] != reminders["dana@example.org"]
    escalations = _subjects("step_escalation")
    assert escalations["dana@example.org"] == "A case step is running late"
    assert escalations["lucia@example.org"] != escalations["dana@example.org"]


def test_an_away_directors_spanish_deputy_gets_the_notice_in_spanish_and_the_director_in_english(directors):
    english, spanish = directors
    spanish.role = Role.ADMINISTRATOR  # the deputy is an administrator of the same program
    spanish.save(update_fields=["role"])
    today = timezone.localdate()
    StaffMember.objects.create(user=english, away_from=today, away_until=today + timedelta(days=5), deputy=spanish)
    assert director_audience() == [("lucia@example.org", "es")]
    assert director_audience(urgent=True) == [("lucia@example.org", "es"), ("dana@example.org", "en")]


def test_set_aside_mail_is_told_to_each_director_in_their_language(directors):
    OutboxMessage.objects.create(kind="assignment", to="someone@example.org", subject="s", body="b",
                                 status="failed", next_attempt_at=timezone.now())
    _tell_directors_of_set_aside_mail()
    notices = _subjects("outbox_set_aside")
    assert notices["dana@example.org"] == "Some program emails could not be delivered"
    assert notices["lucia@example.org"] != notices["dana@example.org"]


def test_the_audience_is_one_query_and_each_language_is_rendered_once(directors, django_assert_num_queries):
    make_user(Role.DIRECTOR, email="third@example.org", person=make_person(language="es"))
    with django_assert_num_queries(1):
        audience = director_audience()
    rendered = []
    notices = in_each_language(audience, lambda language: (rendered.append(language) or (language, language)))
    assert sorted(rendered) == ["en", "es"]
    assert [address for address, _, _ in notices] == ["dana@example.org", "lucia@example.org", "third@example.org"]


def test_an_administrator_deputy_who_cannot_open_cases_leaves_the_notices_with_the_away_director(directors):
    """With the setting that keeps cases from administrators off, an administrator deputy would get
    links that answer "not found": the away director keeps their notices."""
    from peersupport.testing.factories import program_settings

    english, _ = directors
    administrator = make_user(Role.ADMINISTRATOR, email="ada@example.org")
    today = timezone.localdate()
    StaffMember.objects.create(user=english, away_from=today, away_until=today + timedelta(days=5),
                               deputy=administrator)
    assert ("ada@example.org", "en") in director_audience()
    program_settings(administrators_see_cases=False)
    audience = director_audience()
    assert "ada@example.org" not in dict(audience) and "dana@example.org" in dict(audience)
