"""A group debrief's emails as a mail server receives them, each in its recipient's language."""

import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.utils import timezone
from icalendar import Calendar

from peersupport.debriefs.services import debrief_cancel, debrief_change_invitees, debrief_open
from peersupport.debriefs.services_record import debrief_send_follow_up
from peersupport.debriefs.testing import make_debrief
from peersupport.debriefs.tests.helpers import debrief_input
from peersupport.notifications.models import OutboxMessage
from peersupport.notifications.services import outbox_flush
from peersupport.roster.models import Person
from peersupport.testing.factories import make_person


def calendar_part(received: EmailMessage) -> EmailMessage:
    [part] = [p for p in received.walk() if p.get_content_type() == "text/calendar"]
    assert isinstance(part, EmailMessage)
    return part


def plain(received: EmailMessage) -> str:
    body = received.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def test_the_invitation_and_the_cancellation_arrive_with_their_calendar_file(smtp_server, director, supporter_a,
                                                                             supporter_b):
    session = debrief_open(actor=director, data=debrief_input(supporter_a, supporter_b))
    nurse = make_person(name="Nia Nurse", email="nia@example.org")
    debrief_change_invitees(actor=director, session_id=session.pk, add={nurse.pk})
    debrief_cancel(actor=director, session_id=session.pk)

    assert outbox_flush() == 6  # two facilitators and the nurse, invited then told it is off

    received = [m for m in smtp_server.wait_for(6) if m["To"] == "nia@example.org"]
    invitation, cancellation = sorted(received, key=lambda m: calendar_part(m).get_param("method") != "REQUEST")
    assert invitation["Subject"] == "You're invited to a group debrief"
    assert "Hello Nia," in plain(invitation) and "Code team" in plain(invitation)
    assert calendar_part(invitation).get_filename() == "debrief.ics"
    event = Calendar.from_ical(calendar_part(invitation).get_content()).walk("VEVENT")[0]
    assert str(event["UID"]).startswith(str(session.uid)) and event.decoded("DTSTART") == session.starts_at
    assert cancellation["Subject"] == "A group debrief is off"
    assert calendar_part(cancellation).get_param("method") == "CANCEL"


@pytest.fixture
def spanish_speaker(monkeypatch):
    """Someone whose roster entry says Spanish (everyone else's says nothing): the emails read
    `person.language` when the roster has it."""
    person = make_person(name="Lucía Ramos", email="lucia@example.org")
    if "language" in {field.name for field in Person._meta.get_fields()}:
        Person.objects.filter(pk=person.pk).update(language="es")
    else:  # a roster without the language column yet: the attribute the emails read, for her alone
        monkeypatch.setattr(Person, "language", property(lambda p: "es" if p.email == person.email else ""),
                            raising=False)
    return person


def test_each_recipient_reads_the_invitation_in_their_own_language(smtp_server, director, supporter_a, supporter_b,
                                                                   spanish_speaker):
    session = debrief_open(actor=director, data=debrief_input(supporter_a, supporter_b))
    debrief_change_invitees(actor=director, session_id=session.pk, add={spanish_speaker.pk})
    outbox_flush()

    mail = smtp_server.wait_for(3)
    [received] = [m for m in mail if m["To"] == "lucia@example.org"]
    assert {m["Subject"] for m in mail if m["To"] != "lucia@example.org"} == {"Please facilitate a group debrief"}

    assert received["Subject"] == "Le invitamos a una sesión grupal"
    text = plain(received)
    assert text.startswith("Hola, Lucía:") and "El Programa de Apoyo entre Pares" in text
    assert "invited" not in text


def test_the_follow_up_reaches_a_spanish_speaker_in_spanish_with_a_link_that_opens_in_spanish(
        director, supporter_a, supporter_b, spanish_speaker):
    english = make_person(name="Nia Nurse")
    held = make_debrief(supporter_a, supporter_b, starts_at=timezone.now() - timedelta(days=1),
                        invite=[spanish_speaker, english])

    debrief_send_follow_up(actor=director, session_id=held.pk)

    spanish = OutboxMessage.objects.get(to=spanish_speaker.email)
    assert spanish.subject == "Gracias, y un compañero si lo desea"
    assert "Hola, Lucía:" in spanish.body and re.search(r"/support/debrief/\S+/\?lang=es\n", spanish.body)
    other = OutboxMessage.objects.get(to=english.email)
    assert "Hello Nia," in other.body and "?lang=" not in other.body
