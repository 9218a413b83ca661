from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peersupport.accounts.services import two_factor_reset
from peersupport.lib.errors import ServiceError


class Command(BaseCommand):
    help = ("Forget a login's authenticator app (a lost or replaced phone) and end its sessions; "
            "a director or administrator then sets up a new one at their next sign-in.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        try:
            removed = two_factor_reset(email=email)
        except ServiceError as error:
            raise CommandError(error.detail) from None
        self.stdout.write(f"Removed {removed} authenticator{'s' if removed != 1 else ''} of {email.strip().lower()}; "
                          "they set up a new one at their next sign-in.")
