"""Every message is written in its recipient's language when it is queued."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from peersupport.accounts.models import Role
from peersupport.cases.services import case_assign
from peersupport.notifications.emails import describe_lateness, render_step_reminder_email
from peersupport.notifications.models import OutboxMessage
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.django_db
SUMMARY = "A patient became violent in the waiting room."


def _referral(referrer, peer):
    referral, _ = referral_create(referred_by=referrer, data=ReferralInput(
        category="patient_aggression", occurred_on=date(2026, 11, 20), summary=SUMMARY,
        involved_employee_ids=[peer.employee_id], source="safety_report"))
    return referral.cases.get()


def test_a_spanish_speaking_supporter_gets_the_assignment_email_in_spanish():
    director = make_user(Role.DIRECTOR)
    peer = make_person(name="Robin Peer", email="robin@example.org")
    supporter = make_supporter(make_person(name="Sofía Apoyo", email="sofia@example.org", language="es"))
    case = _referral(make_user(Role.REFERRER), peer)
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter.person.employee_id)

    message = OutboxMessage.objects.get(kind="assignment", to="sofia@example.org")
    assert message.subject == "Un colega necesita su apoyo"
    assert message.body.startswith("Hola:\n\nUn colega ha vivido un suceso difícil en el trabajo")
    assert "Robin Peer" in message.body and SUMMARY in message.body
    assert "Por favor, haga el primer contacto antes del " in message.body
    # The due time's day and month are Spanish words.
    assert any(month in message.body for month in ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                                                   "agosto", "septiembre", "octubre", "noviembre", "diciembre"))


def test_an_english_supporters_assignment_email_is_unchanged():
    director = make_user(Role.DIRECTOR)
    peer = make_person(name="Robin Peer", email="robin@example.org", language="es")
    supporter = make_supporter(make_person(name="Sam Supporter", email="sam@example.org"))
    case = _referral(make_user(Role.REFERRER), peer)
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter.person.employee_id)

    message = OutboxMessage.objects.get(kind="assignment", to="sam@example.org")
    assert message.subject == "A colleague could use your support"
    assert message.body.startswith("Hello,\n\nA colleague has been through a hard event at work, and the program "
                                   "has asked you to reach out to them. Thank you for being there.\n")
    assert "Please make your first outreach by " in message.body


def test_the_directors_notice_is_in_the_default_language_whatever_the_request_that_caused_it():
    """A Spanish page's self-referral queues the directors' notice: not in the reader's language."""
    make_user(Role.DIRECTOR, email="director@example.org")
    person = make_person(name="Lucía Ortega", language="es")
    client = Client()
    client.force_login(make_user(Role.CLINICIAN, person=person))
    response = client.post("/support/ask/", {"category": "medical_error", "occurred_on": "2026-11-20",
                                             "summary": "A dose was given twice overnight.", "key": "b" * 32})
    assert response.status_code == 302
    notice = OutboxMessage.objects.get(kind="new_referral")
    assert notice.subject == "1 new case is waiting for assignment"
    assert notice.body.startswith("Hello,")


def test_a_step_reminder_follows_the_supporters_language_and_names_the_step_in_it():
    director = make_user(Role.DIRECTOR)
    supporter = make_supporter(make_person(name="Sofía Apoyo", email="sofia@example.org", language="es"))
    case = _referral(make_user(Role.REFERRER), make_person())
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter.person.employee_id)
    case.refresh_from_db()
    now = timezone.now()
    with translation.override("en"):
        subject, body = render_step_reminder_email(case, supporter_name="Sofía Apoyo",
                                                   due_at=now - timedelta(hours=5), now=now)
        # The language active around the call is left as it was.
        assert translation.get_language() == "en"
    assert subject == "Un recordatorio sobre uno de sus casos"
    assert "Hola, Sofía:" in body and "(hace 5 horas)" in body and "Siguiente paso: Primer contacto" in body


def test_lateness_is_counted_in_the_language_being_rendered():
    now = timezone.now()
    with translation.override("en"):
        assert describe_lateness(now - timedelta(minutes=1), now) == "1 minute"
    with translation.override("es"):
        assert describe_lateness(now - timedelta(minutes=40), now) == "40 minutos"
        assert describe_lateness(now - timedelta(days=3), now) == "3 días"
