"""The apps' Spanish catalogs, compiled for the tests that read a page in Spanish.

The .mo files are built, never committed. Each catalog is compiled into a file of its own and
then moved into place, so that test workers compiling at the same moment never read half a file;
a catalog already newer than its .po is left alone.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.utils import popen_wrapper
from django.test import Client
from django.test.signals import setting_changed
from django.utils import translation


def compile_catalogs() -> None:
    for po in Path(settings.BASE_DIR, "peersupport").glob("**/locale/*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        part = mo.with_name(f"django.{os.getpid()}.mo.part")
        _, errors, status = popen_wrapper(["msgfmt", "--check-format", "-o", str(part), str(po)])
        if status:
            raise RuntimeError(f"{po}: {errors}")
        os.replace(part, mo)
    # A language loaded before its catalog existed is read again: Django's own handler forgets
    # the loaded catalogs when the locale paths change.
    setting_changed.send(sender=compile_catalogs, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False)


def _reader_speaks_spanish(client: Client) -> None:
    """The client's reader chooses Spanish: the signed-in login's own language (which their pages
    follow whatever the browser asks), or the switch's cookie when no one is signed in."""
    from peersupport.accounts.models import User
    from peersupport.testing.i18n import reads_spanish

    user_id = client.session.get("_auth_user_id")
    reads_spanish(client, User.objects.get(pk=user_id) if user_id else None)


def page_in_spanish(client: Client, url: str) -> str:
    """The page as a reader whose language is Spanish gets it."""
    _reader_speaks_spanish(client)
    with translation.override("es"):
        return client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()


def post_in_spanish(client: Client, url: str, data: dict[str, object]) -> str:
    _reader_speaks_spanish(client)
    with translation.override("es"):
        return client.post(url, data, HTTP_ACCEPT_LANGUAGE="es", follow=True).content.decode()
