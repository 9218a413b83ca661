"""The team's composition reads in Spanish."""

from django.urls import reverse

from peersupport.testing.spanish import page_in_spanish


def test_the_composition_page_reads_in_spanish(spanish_catalogs, client, director, supporter_a):
    client.force_login(director)
    page = page_in_spanish(client, reverse("team-composition"))
    assert "La composición del equipo" in page
    assert "The team's composition" not in page
