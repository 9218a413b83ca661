"""A signed-in person chooses their own language at /language/ (or with the layout's switch)."""

import pytest

from peersupport.accounts.models import Role, User
from peersupport.roster.models import Person
from peersupport.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db


def test_a_person_on_the_roster_saves_their_language_on_their_roster_entry(client):
    person = make_person()
    user = make_user(Role.SUPPORTER, person=person)
    client.force_login(user)
    assert 'value="en" checked' in client.get("/language/").content.decode()

    response = client.post("/language/", {"language": "es", "next": "/my/data/"})
    assert response.status_code == 302 and response["Location"] == "/my/data/"
    assert Person.objects.get(pk=person.pk).language == "es"
    assert User.objects.get(pk=user.pk).language == ""
    # Another browser, with no cookie: the pages still follow the person's language.
    other = type(client)()
    other.force_login(user)
    assert "Vea qué datos tiene el programa sobre usted" in other.get("/my/data/").content.decode()


def test_a_login_without_a_roster_entry_keeps_the_language_on_the_login(client):
    user = make_user(Role.DIRECTOR)
    client.force_login(user)
    client.post("/language/", {"language": "es", "next": "/language/"})
    assert User.objects.get(pk=user.pk).language == "es"


def test_an_unknown_language_changes_nothing(client):
    person = make_person(language="es")
    client.force_login(make_user(Role.CLINICIAN, person=person))
    response = client.post("/language/", {"language": "klingon"})
    assert response.status_code == 400
    assert Person.objects.get(pk=person.pk).language == "es"


def test_a_visitor_switches_only_their_browser(client):
    person = make_person()
    response = client.post("/language/", {"language": "es", "next": "/support/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "es"
    assert Person.objects.get(pk=person.pk).language == "en"
