"""The roster and the supporter team read in Spanish."""

from django.urls import reverse

from peersupport.testing.spanish import page_in_spanish


def test_the_roster_reads_in_spanish(spanish_catalogs, client, director, supporter_a):
    client.force_login(director)
    page = page_in_spanish(client, reverse("roster"))
    assert "Buscar en la plantilla" in page and "Cualquier puesto" in page
    assert "Search the roster" not in page


def test_the_supporter_team_reads_in_spanish(spanish_catalogs, client, director, supporter_a):
    client.force_login(director)
    page = page_in_spanish(client, reverse("supporters"))
    assert "El equipo de acompañantes" in page
    assert "1 acompañante" in page  # the count, in its singular form
