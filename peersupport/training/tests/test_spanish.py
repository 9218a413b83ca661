"""Training in Spanish: the evaluation email in the attendee's language, the evaluation page
behind its link, and the staff's training page."""

from django.urls import reverse
from django.utils import translation

from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import make_person
from peersupport.testing.i18n import reads_spanish, spanish_catalogs, speaks_spanish
from peersupport.training.tests.helpers import evaluation_path, make_session


def setup_function():
    spanish_catalogs()


def test_the_evaluation_email_is_in_each_attendees_language(client, administrator, monkeypatch):
    pilar = make_person(name="Pilar Ortega", email="pilar@example.org")
    pat = make_person(name="Pat Attendee", email="pat@example.org")
    speaks_spanish(pilar, monkeypatch)
    session = make_session()
    client.force_login(administrator)
    client.post(reverse("training-session", args=[session.pk]),
                {"others": f"{pilar.employee_id} {pat.employee_id}", "completed": "yes"})
    to_pilar = OutboxMessage.objects.get(kind="training_evaluation", to="pilar@example.org")
    to_pat = OutboxMessage.objects.get(kind="training_evaluation", to="pat@example.org")
    assert to_pilar.subject == "¿Qué tal fue la sesión de formación?"
    assert "Hola, Pilar:" in to_pilar.body and "Gracias por venir a «Listening to a colleague»" in to_pilar.body
    assert to_pat.subject == "How was the training session?"
    assert "Thank you for coming to" in to_pat.body

    client.logout()
    reads_spanish(client)
    with translation.override("es"):
        page = client.get(evaluation_path("pilar@example.org")).content.decode()
        refused = client.post(evaluation_path("pilar@example.org"), {}).content.decode()
    assert "¿Qué tal fue la sesión?" in page and "Muy de acuerdo" in page
    assert "Elija una respuesta para cada pregunta." in refused or "Este campo es obligatorio." in refused


def test_the_training_page_reads_in_spanish(client, director):
    client.force_login(director)
    reads_spanish(client, director)
    with translation.override("es"):
        page = client.get(reverse("training")).content.decode()
    assert "Repasos atrasados" in page and "Refreshers overdue" not in page
