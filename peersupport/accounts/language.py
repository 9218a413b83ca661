"""A signed-in person's own language: on their roster entry, or on the login if it has none."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from peersupport.accounts.models import User
from peersupport.lib.errors import InvalidInput
from peersupport.roster.models import Person


def own_language_set(*, user: User, language: str) -> str:
    """Save the language `user` reads the program in (and is written to in); returns it.

    A login on the roster changes its person's language (the one the roster edit form shows); a
    login without a roster entry keeps its own.
    """
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise InvalidInput(gettext("Choose one of the program's languages."))
    if user.person_id:
        Person.objects.filter(pk=user.person_id).update(language=language, updated_at=timezone.now())
        if user.person is not None:
            user.person.language = language
    else:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
    return language
