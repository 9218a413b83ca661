"""The case's access log reads in Spanish for the director."""

from django.urls import reverse

from peersupport.front.tests.helpers import assign, refer
from peersupport.testing.factories import make_person
from peersupport.testing.spanish import page_in_spanish


def test_who_has_seen_the_case_reads_in_spanish(spanish_catalogs, client, director, referrer, supporter_a):
    referral = refer(referrer, make_person(name="Pat Peer"))
    case = assign(director, referral.cases.get(), supporter_a)
    client.force_login(director)
    page = page_in_spanish(client, reverse("case", args=[case.pk]))
    assert "Quién ha visto este caso" in page
    assert "Asignó un compañero/a de apoyo" in page  # an action of the trail, in the same words as the peer's page
    assert "línea de comandos" in page  # where an action came from
    assert "Who has seen this case" not in page
