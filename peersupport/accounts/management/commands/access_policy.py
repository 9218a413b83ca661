from typing import Any

from django.core.management.base import BaseCommand

from peersupport.accounts.policy import as_markdown


class Command(BaseCommand):
    help = "Print the access-policy table (who may use each page and API route) as Markdown."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(as_markdown())
