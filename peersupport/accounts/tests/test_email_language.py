"""A login's emails are written in the language of the person the login belongs to."""

from peersupport.accounts.links import render_invite_email
from peersupport.accounts.models import Role
from peersupport.lib.i18n import default_language, language_of
from peersupport.roster.models import Person
from peersupport.testing.factories import make_person, make_user


def test_the_invitation_is_written_in_the_recipients_language(spanish_catalogs, db):
    login = make_user(Role.DIRECTOR, person=make_person(name="Dora Director"))
    _, english = render_invite_email(login)
    assert "(Program director)" in english
    Person.objects.filter(pk=login.person_id).update(language="es")
    login.refresh_from_db()
    _, spanish = render_invite_email(login)
    assert "(Dirección del programa)" in spanish


def test_a_person_without_a_language_of_their_own_gets_the_programs(db):
    person = make_person(name="Pat Peer")
    assert language_of(person) == default_language()
    assert language_of(None) == default_language()
    person.language = "es"
    assert language_of(person) == "es"
