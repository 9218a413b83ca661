"""The logins page and the two-step sign-in read in Spanish."""

from django.urls import reverse

from peersupport.testing.spanish import page_in_spanish


def test_the_logins_page_reads_in_spanish(spanish_catalogs, client, director):
    client.force_login(director)
    page = page_in_spanish(client, reverse("logins"))
    assert "Quién puede iniciar sesión, y cómo." in page
    assert "Dirección del programa" in page  # a role's label, a model choice
    assert "Who can sign in" not in page


def test_the_invitation_form_reads_in_spanish(spanish_catalogs, client, director):
    client.force_login(director)
    page = page_in_spanish(client, reverse("login-invite"))
    assert "Correo electrónico del trabajo" in page  # a form label
    assert "Enviar la invitación" in page
