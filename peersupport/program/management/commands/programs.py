from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from peersupport.lib.errors import ServiceError
from peersupport.program.models import Program, ProgramSite
from peersupport.program.services import program_create, program_site_set


class Command(BaseCommand):
    help = ("The installation's programs (one per hospital or group of sites): list them, add one, "
            "or say which program a site belongs to (its people and their logins move with it).")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="Each program with its sites and how many people it holds.")
        add = actions.add_parser("add", help="Add a program.")
        add.add_argument("short_name", help="Lowercase letters, digits and hyphens, e.g. northside.")
        add.add_argument("name", help="The program's name, e.g. \"Northside Hospital Peer Support\".")
        site = actions.add_parser("site", help="Map a site (as the roster writes it) to a program.")
        site.add_argument("site")
        site.add_argument("short_name", nargs="?", help="The program; leave out for the default program.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "add":
                program = program_create(name=options["name"], short_name=options["short_name"])
                self.stdout.write(f"Added the program {program.short_name} ({program.name}).")
            elif action == "site":
                self._site(options["site"], options["short_name"])
        except ServiceError as error:
            raise CommandError(error.detail) from None
        if action == "list":
            self._list()

    def _site(self, site: str, short_name: str | None) -> None:
        program = None
        if short_name:
            program = Program.objects.filter(short_name=short_name.strip().lower()).first()
            if program is None:
                raise CommandError(f"Unknown program {short_name!r}; `manage.py programs list` shows them.")
        moved = program_site_set(site=site, program=program)
        where = program.short_name if program is not None else "the default program"
        self.stdout.write(f"{site} belongs to {where}; {moved} people moved.")

    def _list(self) -> None:
        sites: dict[int, list[str]] = {}
        for site, program_id in ProgramSite.objects.values_list("site", "program_id"):
            sites.setdefault(program_id, []).append(site)
        for program in Program.objects.annotate(people_count=Count("people")).order_by("pk"):
            default = " (default: every site not listed elsewhere)" if program.is_default else ""
            listed = ", ".join(sites.get(program.pk, [])) or "no site named"
            self.stdout.write(f"{program.short_name}{default}: {program.name}; {program.people_count} people; "
                              f"sites: {listed}")
