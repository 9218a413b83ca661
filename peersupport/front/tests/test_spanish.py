"""What the program holds about a person reads in Spanish."""

from django.urls import reverse

from peersupport.testing.spanish import page_in_spanish


def test_my_data_reads_in_spanish(spanish_catalogs, client, outsider):
    client.force_login(outsider)
    page = page_in_spanish(client, reverse("my-data"))
    assert "Lo que el programa guarda sobre usted" in page
    assert "What the program holds about you" not in page
