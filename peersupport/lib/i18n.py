"""Whose language a page or a message is in.

A person's language is on their roster entry (`Person.language`); a login without a roster entry
has its own (`User.language`). Both are optional: blank means the program's default language.
Emails and texts are rendered in their recipient's language when they are queued
(`in_language_of`), so the worker that sends them later needs to know nothing about languages.

This module reads those fields by name and imports no app (peersupport.lib is the ground floor).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.functional import Promise

# A text to show: a plain string, or a lazy translation read in the reader's language.
Text = str | Promise


def supported(code: str | None) -> str | None:
    """`code` if the program speaks it (or its base language, "es" for "es-mx"), else None."""
    if not code:
        return None
    codes = {language for language, _ in settings.LANGUAGES}
    code = code.strip().lower().replace("_", "-")
    if code in codes:
        return code
    base = code.split("-")[0]
    return base if base in codes else None


def default_language() -> str:
    return supported(settings.LANGUAGE_CODE) or settings.LANGUAGES[0][0]


def language_of(who: Any) -> str:
    """The language to speak to `who`: a roster person, a login (its person's language, or its
    own when it has no person), a language code, or None (the program's default)."""
    if who is None:
        return default_language()
    if isinstance(who, str):
        return supported(who) or default_language()
    if getattr(who, "person_id", None):
        # A login on the roster speaks its person's language; the roster entry is the one place
        # a director and the person themselves change it.
        person = getattr(who, "person", None)
        if person is not None:
            return language_of(person)
    return supported(getattr(who, "language", None)) or default_language()


@contextmanager
def in_language_of(who: Any) -> Iterator[str]:
    """Render what is inside (templates, gettext, dates) in `who`'s language; yields the code."""
    language = language_of(who)
    with translation.override(language):
        yield language


# The integration API answers in English whatever is asked: its error messages are read by the
# people who build integrations, and their wording is part of the API (docs/integrations.md).
API_PREFIX = "/api/"
API_LANGUAGE = "en"


class PersonLanguageMiddleware:
    """A signed-in person's pages follow their own language, whatever the browser asks for.

    After LocaleMiddleware (which chose from the switch's cookie or Accept-Language) and after
    authentication. Anyone not signed in keeps LocaleMiddleware's choice. The API stays English.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            translation.activate(API_LANGUAGE)
            request.LANGUAGE_CODE = API_LANGUAGE
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = language_of(user)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


LINK_LANGUAGE_PARAMETER = "lang"


def text_in(text: Any, who: Any) -> str:
    """A lazy text (a choice's label, a `gettext_lazy` string) as `who` reads it (`language_of`)."""
    with in_language_of(who):
        return str(text)


def link_in_language_of(url: str, who: Any) -> str:
    """An emailed link that opens in its recipient's language: `?lang=es` added when theirs is not
    the program's default (a link in the default language is left as it was)."""
    language = language_of(who)
    if language == default_language():
        return url
    return f"{url}{'&' if '?' in url else '?'}{LINK_LANGUAGE_PARAMETER}={language}"


class LinkLanguageMiddleware:
    """A page opened from an emailed link with `?lang=<code>` is in that language, and so is the
    rest of the visit (the choice is kept in the language cookie, as the switch keeps it).

    After LocaleMiddleware, so it overrides the browser's language for this request too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = supported(request.GET.get(LINK_LANGUAGE_PARAMETER))
        if language is None:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        remember_language(response, language)
        return response


def remember_language(response: HttpResponse, language: str) -> None:
    """Keep this browser's choice of language in its cookie (read by LocaleMiddleware)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=cast(Literal["Lax", "Strict", "None"], settings.LANGUAGE_COOKIE_SAMESITE),
    )
