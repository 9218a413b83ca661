"""The Spanish catalogs, compiled for a test that reads a page in Spanish.

`make setup` need not have compiled them: a test calls `spanish_catalogs()` first. Each catalog
is compiled to a temporary file and moved into place, so that a second pytest worker reading it
meanwhile finds either the old file or the whole new one, never half of it.
"""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import trans_real

from peersupport.accounts.models import User
from peersupport.roster.models import Person

PACKAGE = Path(__file__).resolve().parent.parent


def spanish_catalogs() -> None:
    """Compile every `locale/es` catalog under peersupport/ whose .mo is missing or older than its
    .po, then make Django read the catalogs afresh."""
    for po in PACKAGE.glob("**/locale/es/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        handle, partial = tempfile.mkstemp(dir=po.parent, suffix=".mo.part")
        os.close(handle)
        try:
            subprocess.run(["msgfmt", "--check-format", "-o", partial, str(po)], check=True)  # noqa: S603, S607 - our own catalogs
            os.replace(partial, mo)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    # Django keeps each language's catalog once read: a page rendered in Spanish before the
    # catalog existed would otherwise stay in English for the rest of the session.
    trans_real._translations = {}  # type: ignore[attr-defined]  # Django's private cache, as its own tests reset it
    trans_real._default = None  # type: ignore[attr-defined]  # the same cache's default catalog


def speaks_spanish(person: Person, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give `person` Spanish as their language: on their roster entry where the roster has the
    field, else as the attribute the emails read (`getattr(person, "language", "")`)."""
    if any(field.name == "language" for field in Person._meta.get_fields()):
        Person.objects.filter(pk=person.pk).update(language="es")
    else:
        spanish = person.pk
        monkeypatch.setattr(Person, "language", property(lambda other: "es" if other.pk == spanish else ""),
                            raising=False)


def reads_spanish(client: Client, user: User | None = None) -> None:
    """Make the test client's pages come in Spanish, as a real reader's would: a signed-in `user`
    chooses Spanish as their own language (their roster entry's, or their login's when they have
    none), which their pages follow whatever the browser asks; a reader who is not signed in
    chooses it with the switch (its cookie)."""
    if user is not None:
        if user.person_id:
            Person.objects.filter(pk=user.person_id).update(language="es")
        else:
            User.objects.filter(pk=user.pk).update(language="es")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
