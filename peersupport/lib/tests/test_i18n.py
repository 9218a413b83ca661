"""Whose language: a person's, a login's, a language code, or the program's default."""

import pytest
from django.test import Client
from django.utils import translation

from peersupport.accounts.models import Role
from peersupport.lib.i18n import in_language_of, language_of, link_in_language_of
from peersupport.testing.factories import make_person, make_supporter, make_user


@pytest.mark.django_db
def test_language_of_a_person_a_supporter_a_login_and_nobody():
    spanish = make_person(language="es")
    assert language_of(spanish) == "es"
    assert language_of(make_person()) == "en"
    assert language_of(make_supporter(spanish)) == "es"
    # A login on the roster speaks its person's language, whatever the login's own field says.
    assert language_of(make_user(Role.SUPPORTER, person=spanish, language="en")) == "es"
    # A login without a roster entry has its own; blank is the default.
    assert language_of(make_user(Role.DIRECTOR, language="es")) == "es"
    assert language_of(make_user(Role.DIRECTOR)) == "en"
    assert language_of(None) == "en"
    assert language_of("es-MX") == "es" and language_of("fr") == "en"


@pytest.mark.django_db
def test_rendering_in_someones_language_restores_the_language_after():
    with translation.override("en"):
        with in_language_of(make_person(language="es")) as language:
            assert language == "es" and translation.gettext("Yes") == "Sí"
        assert translation.get_language() == "en"


@pytest.mark.django_db
def test_a_link_carries_the_recipients_language_only_when_it_is_not_the_default():
    url = "http://127.0.0.1:8000/support/ask/"
    assert link_in_language_of(url, make_person()) == url
    assert link_in_language_of(url, make_person(language="es")) == url + "?lang=es"
    assert link_in_language_of(url + "?source=x", "es") == url + "?source=x&lang=es"


@pytest.mark.django_db
def test_a_signed_in_persons_pages_follow_their_language_not_the_browsers():
    client = Client()
    client.force_login(make_user(Role.CLINICIAN, person=make_person(language="es")))
    page = client.get("/my/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in page and "Cerrar sesión" in page
