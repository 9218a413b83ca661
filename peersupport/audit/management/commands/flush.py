"""Django's `flush`, which may also empty the audit trail: it wipes the whole database.

Only this command does: on SQLite the audit table's delete trigger refuses every other DELETE
(see `peersupport.audit.guard`). Django's test framework and `load_demo --reset` call it.
"""

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush

from peersupport.audit.guard import whole_database_flush


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        with whole_database_flush():
            super().handle(**options)
