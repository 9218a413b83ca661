"""Which program's public page a reader is on, and the addresses of each program's pages.

Each program (hospital) has its own public page at /support/<short name>/, with its own crisis
lines, resources and ask path. The addresses without a program (/support/, /support/ask/, …) are
the only program's pages in an installation with one, and let the reader choose their hospital in
one with several.
"""

from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext

from peersupport.lib.errors import InvalidInput
from peersupport.program.models import Program
from peersupport.resources.selectors import crisis_resources

# A program's pages, under /support/<short name>/ (their routes come after every other app's).
PROGRAM_PAGES = ("", "ask/", "ask/sent/", "thanks/")


def require_free_public_address(short_name: str) -> None:
    """InvalidInput if a program called `short_name` would find one of its pages taken by another
    page's address (/support/ask/, /support/what-supporters-do/, /support/debrief/<token>/, …)."""
    taken = False
    for page in PROGRAM_PAGES:
        try:
            taken = taken or not (resolve(f"/support/{short_name}/{page}").url_name or "").startswith(
                "support-program")
        except Resolver404:
            taken = True
    if taken:
        raise InvalidInput(gettext("“%(short_name)s” is already an address of the public pages: choose another "
                                   "short name.") % {"short_name": short_name})


def program_of_page(short_name: str | None) -> Program | None:
    """The program whose page this is: the one named (404 if none is called so); without a name,
    the installation's only program, or None when there are several to choose from."""
    if short_name is not None:
        program = Program.objects.filter(short_name=short_name).first()
        if program is None:
            raise Http404(gettext("No program has this address."))
        return program
    programs = list(Program.objects.order_by("pk")[:2])
    if not programs:
        return Program.default()
    return programs[0] if len(programs) == 1 else None


def programs_to_choose() -> list[Program]:
    """Every program, by name: the reader picks their own hospital."""
    return list(Program.objects.order_by("name", "pk"))


def program_url(name: str, program: Program | None, query: str = "") -> str:
    """The path of a page of the public path: the program's own, else the one without a program."""
    path = reverse(f"support-program{name}", args=[program.short_name]) if program else reverse(f"support{name}")
    return f"{path}?{query}" if query else path


def program_ask_url(program_id: int | None) -> str:
    """The absolute address of a program's ask page: on a printed sheet, a poster, an email (with
    no program, the ask page that lets the reader choose)."""
    short_name = (Program.objects.filter(pk=program_id).values_list("short_name", flat=True).first()
                  if program_id else None)
    path = reverse("support-program-ask", args=[short_name]) if short_name else reverse("support-ask")
    return f"{settings.SITE_URL}{path}"


def public_crisis(program: Program | None = None) -> dict[str, Any]:
    """What a public page's crisis section (support/_crisis.html) shows: the crisis lines of the
    page's program; with none known, the only program's, or the hospitals whose pages list theirs."""
    if program is None:
        program = program_of_page(None)
    if program is None:
        return {"crisis": [], "programs": programs_to_choose()}
    return {"crisis": crisis_resources(program.pk), "programs": []}
