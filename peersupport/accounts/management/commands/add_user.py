import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peersupport.accounts.models import Role
from peersupport.accounts.services import user_add
from peersupport.lib.errors import ServiceError


class Command(BaseCommand):
    help = "Create or update a login with a role, linked to the roster entry when given."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--employee-id", dest="employee_id")
        parser.add_argument("--program", dest="program", metavar="SHORT_NAME",
                            help="The program the login works in (default: its roster entry's, else the first).")
        parser.add_argument(
            "--password-from-env", dest="password_env", metavar="VAR",
            help="Read the password from this environment variable (never from the command line).",
        )

    def handle(self, *args: Any, email: str, role: str, employee_id: str | None, password_env: str | None,
               program: str | None = None, **options: Any) -> None:
        password = None
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"The environment variable {password_env} is not set or empty.")
        try:
            user, created = user_add(email=email, role=role, employee_id=employee_id, password=password,
                                      program_short_name=program)
        except ServiceError as error:
            raise CommandError(error.detail) from None
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} {user.email} ({user.get_role_display()}).")
        if not user.has_usable_password():
            self.stdout.write("No password set: use --password-from-env VAR to let them sign in.")
