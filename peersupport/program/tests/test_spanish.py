"""The program settings read in Spanish."""

from django.urls import reverse

from peersupport.testing.spanish import page_in_spanish


def test_the_program_settings_read_in_spanish(spanish_catalogs, client, director):
    client.force_login(director)
    page = page_in_spanish(client, reverse("program-settings"))
    assert "Ajustes del programa" in page
    assert "Límite de casos predeterminado" in page  # a form label
    assert "Default case limit" not in page
