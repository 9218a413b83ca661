"""The supporter's case page reads in Spanish for a supporter whose language is Spanish."""

from django.urls import reverse

from peersupport.front.tests.helpers import refer
from peersupport.testing.factories import make_person
from peersupport.testing.spanish import page_in_spanish, post_in_spanish


def test_the_supporters_case_page_reads_in_spanish(spanish_catalogs, client, supporter_a, case):
    client.force_login(supporter_a.person.user)
    page = page_in_spanish(client, reverse("case", args=[case.pk]))
    assert "Contacte con Pat" in page and "Guía para la conversación" in page
    assert "Reach out to" not in page
    assert "Asignado" in page  # the case's state, a model choice
    assert "Siguiente: primer contacto, vence en" in page  # the next step and when it is due


def test_a_refused_action_is_explained_in_spanish(spanish_catalogs, client, supporter_a, case):
    client.force_login(supporter_a.person.user)
    page = post_in_spanish(client, reverse("case-check-in", args=[case.pk]), {})
    assert "Elija de qué trata la conversación de seguimiento." in page
    assert "No se ha cambiado nada." in page


def test_the_case_page_stays_in_english_for_an_english_reader(spanish_catalogs, client, supporter_a, case):
    client.force_login(supporter_a.person.user)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert "Reach out to Pat" in page and "Contacte con" not in page


def test_the_directors_suggestions_give_their_reasons_in_spanish(spanish_catalogs, client, director, referrer,
                                                                  supporter_a):
    referral = refer(referrer, make_person(name="Pat Peer"))
    client.force_login(director)
    page = page_in_spanish(client, reverse("case", args=[referral.cases.get().pk]))
    assert "Compañeros/as de apoyo sugeridos" in page
    assert "aún sin ninguna asignación" in page  # a reason the matching gives, in Spanish
    assert "never assigned yet" not in page


def test_the_case_timeline_reads_in_spanish(spanish_catalogs, client, director, case):
    client.force_login(director)
    page = page_in_spanish(client, reverse("case", args=[case.pk]))
    assert "Cronología" in page and "Derivado" in page and "Vence: Primer contacto" in page
    assert "First outreach due" not in page


def test_what_the_page_says_after_an_action_is_in_spanish(spanish_catalogs, client, supporter_a, case):
    """The word after recording a try, an answer or a conversation speaks the supporter's language."""
    client.force_login(supporter_a.person.user)
    page = post_in_spanish(client, reverse("case-outreach", args=[case.pk]), {"channel": "call"})
    assert "Ahora dele un poco de tiempo." in page
    assert "Now give them a little time" not in page
    page = post_in_spanish(client, reverse("case-response", args=[case.pk]), {"response": "accepted"})
    assert "quiere hablar. La guía de conversación está aquí siempre que la necesite." in page
    assert "would like to talk" not in page
