"""Seal the audit entries committed since the last run into the hash chain: once, or every few seconds."""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from peersupport.audit.chain import pending, seal_pending
from peersupport.lib.looping import add_loop_argument, run_once_or_every

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Give the audit entries committed since the last run their place in the hash chain, then "
        "exit. With --loop SECONDS, keep doing so every SECONDS until stopped (the Procfile runs "
        "it every 5 seconds): that interval bounds how long an entry waits before it is "
        "tamper-evident. Safe to run in several copies: sealers take turns."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        add_loop_argument(parser, "Run again every SECONDS instead of exiting after one run.")

    def handle(self, *args: Any, database: str, loop: float | None = None, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        self.database = database
        run_once_or_every(loop, self._run, logger=logger, failure="Sealing the audit trail failed")

    def _run(self) -> None:
        waiting = pending(self.database)
        waited = waiting.age_seconds(timezone.now())
        sealed = seal_pending(self.database) if waiting.count else 0
        # Quiet when idle, so a looping sealer's log shows only the rounds that did something.
        if (sealed and self.verbosity >= 1) or self.verbosity > 1:
            self.stdout.write(f"Sealed {sealed} audit entr{'y' if sealed == 1 else 'ies'}"
                              + (f"; the oldest had waited {waited:.1f} s." if sealed else "."))
