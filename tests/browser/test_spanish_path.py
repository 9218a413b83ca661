"""A reader switches the public page to Spanish and asks for support in Spanish, on a phone."""

import re

import pytest
from django.utils import timezone

from peersupport.cases.models import Case
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.browser
SUMMARY = "A medication dose was given twice on the ward overnight."


def test_a_reader_switches_to_spanish_and_asks_for_support_in_spanish(
    team, new_page, deliver_mail, smtp_server, assert_accessible, assert_no_horizontal_scroll
):
    lucia = make_person(name="Lucía Ortega", email="lucia@example.org", language="es")
    phone = new_page(phone=True)
    phone.goto("/support/")
    phone.get_by_role("heading", name="Peer support for clinicians").wait_for()
    # The switch is a plain form: English / Español.
    phone.get_by_test_id("language-es").click()
    phone.get_by_role("heading", name="Apoyo entre pares para profesionales sanitarios").wait_for()
    assert phone.locator("html").get_attribute("lang") == "es"
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)

    phone.get_by_test_id("ask-link").click()
    phone.get_by_label("Su correo del trabajo").fill("lucia@example.org")
    assert_accessible(phone)
    phone.get_by_test_id("send-link").click()
    phone.get_by_test_id("ask-sent").filter(has_text="Revise su correo").wait_for()

    deliver_mail()
    [mail] = [m for m in smtp_server.wait_for(1) if m["To"] == "lucia@example.org"]
    assert mail["Subject"] == "Su enlace al programa de apoyo entre pares"
    link = re.search(r"https?://\S+/support/link/\S+", mail.get_content())
    assert link, mail.get_content()
    phone.goto(link.group(0))
    phone.get_by_label("¿Qué tipo de suceso fue?").select_option("medical_error")
    phone.get_by_label("¿Cuándo ocurrió?").fill(timezone.localdate().isoformat())
    phone.get_by_label("Describa el suceso en una frase").fill(SUMMARY)
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)
    phone.get_by_test_id("submit-referral").click()
    phone.get_by_test_id("support-thanks").filter(has_text="Hemos recibido su solicitud").wait_for()
    assert_accessible(phone)
    assert Case.objects.filter(peer=lucia).exists()
