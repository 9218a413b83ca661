from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peersupport.accounts.services import user_deactivate
from peersupport.lib.errors import ServiceError


class Command(BaseCommand):
    help = ("Deactivate a login: it can no longer sign in, its open sessions end at once and its API "
            "tokens stop working. `add_user EMAIL --role ROLE` makes it active again.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        try:
            user, done = user_deactivate(email=email)
        except ServiceError as error:
            raise CommandError(error.detail) from None
        self.stdout.write(
            f"Deactivated {user.email}: ended {done.sessions} session{'s' if done.sessions != 1 else ''}, "
            f"revoked {done.tokens} API token{'s' if done.tokens != 1 else ''}."
        )
