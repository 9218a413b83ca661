"""The peer's path in Spanish: the public pages follow the browser and the switch, and a clinician
whose roster entry says Spanish receives every email in Spanish (delivered over loopback SMTP)."""

import re

import pytest
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.cases.actions import UNDO_WINDOW, case_record_outreach, case_record_response
from peersupport.cases.models import Case
from peersupport.cases.services import case_assign
from peersupport.notifications.models import OutboxMessage
from peersupport.notifications.services import outbox_flush
from peersupport.notifications.testing import run_worker_until_idle
from peersupport.resources.models import Resource
from peersupport.support.tests.helpers import ask, process_all
from peersupport.testing.factories import make_person, make_supporter, make_user

FORM = {"category": "medical_error", "occurred_on": "2026-11-20", "summary": "A dose was given twice overnight."}
# Words only the English texts have, and only the Spanish ones.
ENGLISH = re.compile(r"\b(Hello|Hi|The Peer Support Program|Take good care)\b")
SPANISH = re.compile(r"\b(Hola|Programa de Apoyo entre Pares|programa de apoyo entre pares)\b")


def page(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_the_program_page_follows_the_browsers_language(client):
    spanish = client.get("/support/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert spanish["Content-Language"] == "es"
    assert '<html lang="es">' in page(spanish)
    assert "Apoyo entre pares para profesionales sanitarios" in page(spanish)
    assert "Peer support for clinicians" not in page(spanish)

    english = client.get("/support/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert english["Content-Language"] == "en" and "Peer support for clinicians" in page(english)
    # A language the program does not speak: the default, English.
    assert "Peer support for clinicians" in page(client.get("/support/", HTTP_ACCEPT_LANGUAGE="fr-FR"))


@pytest.mark.django_db
def test_the_switch_changes_the_language_and_returns_to_the_page(client):
    english = client.get("/support/ask/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="language-es"' in page(english)

    switched = client.post("/language/", {"language": "es", "next": "/support/ask/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert switched.status_code == 302 and switched["Location"] == "/support/ask/"
    # The choice outlives the browser's own preference.
    again = client.get("/support/ask/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Pedir un compañero/a de apoyo" in page(again) and "Su correo del trabajo" in page(again)
    assert 'data-testid="language-en"' in page(again)

    client.post("/language/", {"language": "en", "next": "/support/ask/"})
    assert "Ask for a peer supporter" in page(client.get("/support/ask/", HTTP_ACCEPT_LANGUAGE="es"))


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_the_switch_never_sends_the_reader_to_another_site(client, next_url):
    response = client.post("/language/", {"language": "es", "next": next_url})
    assert response.status_code == 302 and response["Location"] == "/language/"


@pytest.mark.django_db
def test_an_unknown_language_is_refused_and_changes_nothing(client):
    response = client.post("/language/", {"language": "xx", "next": "/support/"})
    assert response.status_code == 400 and "language" not in response.cookies
    assert "Peer support for clinicians" in page(client.get("/support/", HTTP_ACCEPT_LANGUAGE="en"))


@pytest.mark.django_db
def test_the_ask_forms_errors_are_in_spanish(client):
    response = client.post("/support/ask/", {"email": "not an address"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 422
    assert "Escriba una dirección de correo como nombre@hospital.org." in page(response)


@pytest.mark.django_db
def test_a_date_on_a_spanish_page_is_written_in_spanish(client):
    """The receipt of a signed-in clinician who reads Spanish: the month in Spanish, day first."""
    person = make_person(name="Lucía Ortega", language="es")
    user = make_user(Role.CLINICIAN, person=person)
    client.force_login(user)
    key = "a" * 32
    response = client.post("/support/ask/", {**FORM, "key": key}, follow=True)
    referral = response.context["referral"]
    received = timezone.localtime(referral.received_at)
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
              "octubre", "noviembre", "diciembre"]
    assert f"{received.day} de {months[received.month - 1]} de {received.year}" in page(response)
    assert "Hemos recibido su solicitud" in page(response)


@pytest.mark.django_db
def test_the_self_referral_problems_and_the_description_check_speak_spanish(client):
    person = make_person(name="Lucía Ortega", language="es")
    client.force_login(make_user(Role.CLINICIAN, person=person))
    response = client.post("/support/ask/", {**FORM, "summary": "Patient Smith, 72 yo, got 5 mg."})
    text = page(response).replace("&quot;", '"').replace("&#x27;", "'")
    assert response.status_code == 422
    assert "En la descripción, “72 yo” da una edad exacta." in text
    assert "Diga «una dosis de medicación» en su lugar" in text
    assert "Revise lo que está marcado abajo; todavía no se ha guardado nada." in text


@pytest.mark.django_db(transaction=True)
def test_a_spanish_speaking_clinician_receives_every_email_in_spanish(client, smtp_server):
    peer = make_person(name="Lucía Ortega", email="lucia@example.org", language="es")
    director = make_user(Role.DIRECTOR, email="director@example.org")
    supporter = make_supporter(make_person(name="Sam Supporter", email="sam@example.org", phone="+1 555 0142"))
    supporter_user = make_user(Role.SUPPORTER, person=supporter.person)
    Resource.objects.create(name="Employee Assistance Program", category="counseling", contact="+1 555 0199")

    # She asks on the public page, in an English browser: the link comes in her language.
    ask(client, "lucia@example.org")
    process_all()
    run_worker_until_idle()
    [link_mail] = [m for m in smtp_server.messages if m["To"] == "lucia@example.org"]
    assert link_mail["Subject"] == "Su enlace al programa de apoyo entre pares"
    link = re.search(r"https?://\S+?(/support/link/\S+)", link_mail.get_content())
    assert link and link.group(1).endswith("?lang=es")

    # The link opens in Spanish, and the whole visit stays in Spanish.
    form = client.get(link.group(1), HTTP_ACCEPT_LANGUAGE="en")
    assert "¿Qué tipo de suceso fue?" in page(form) and "Elija el tipo de suceso" in page(form)
    path = link.group(1).split("?")[0]
    thanks = client.post(path, FORM, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Hemos recibido su solicitud" in page(thanks)

    case = Case.objects.get(peer=peer)
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter.person.employee_id)
    case_record_outreach(actor=supporter_user, case_id=case.pk, channel="email", send_email=True)
    case_record_response(actor=supporter_user, case_id=case.pk, response="declined")
    outbox_flush(now=timezone.now() + UNDO_WINDOW)
    run_worker_until_idle()

    to_her = [m for m in smtp_server.messages if m["To"] == "lucia@example.org"]
    assert len(to_her) == 3  # the link, the supporter's first message, the open invitation
    for mail in to_her:
        text = f"{mail['Subject']}\n{mail.get_content()}"
        assert SPANISH.search(text), text
        assert not ENGLISH.search(text), text
    invitation = to_her[-1].get_content()
    assert "Orientación psicológica" in invitation and "Cuídese mucho." in invitation
    assert "/support/talk/" in invitation and "?lang=es" in invitation

    # The supporter reads English: their notice of the new peer is in English, unchanged.
    [assignment] = [m for m in smtp_server.messages if m["To"] == "sam@example.org"]
    assert assignment["Subject"] == "A colleague could use your support"
    assert assignment.get_content().startswith("Hello,")
    assert OutboxMessage.objects.filter(to="lucia@example.org").count() == 3


@pytest.mark.django_db
def test_an_english_peers_link_email_is_unchanged(client):
    make_person(name="Dana Reyes", email="dana@example.org")
    ask(client, "dana@example.org")
    process_all()
    message = OutboxMessage.objects.get(kind="personal_link")
    assert message.subject == "Your link to the peer support program"
    assert message.body.startswith("Hello Dana,\n\nYou asked for a link to the peer support program.")
    assert "lang=" not in message.body
