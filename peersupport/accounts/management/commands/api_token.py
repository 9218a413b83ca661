from django.core.management.base import BaseCommand, CommandError

from peersupport.accounts.services import api_token_issue
from peersupport.lib.errors import ServiceError


class Command(BaseCommand):
    help = "Print a new API token for a user (shown once; only its digest is stored)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")

    def handle(self, *args, email: str, **options) -> None:
        try:
            key = api_token_issue(email=email)
        except ServiceError as error:
            raise CommandError(error.detail) from None
        self.stdout.write(key)
