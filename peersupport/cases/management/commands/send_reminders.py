"""Remind the owners of late steps and escalate to the directors: once, or every few minutes."""

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from peersupport.cases.timeliness import send_due_notices

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Remind the owner of every case step past its due time, escalate steps that are later "
        "than the program allows to the directors, and mark peers unreachable after the "
        "program's attempts and days; then exit. With --loop SECONDS, keep doing so every "
        "SECONDS until stopped. Safe to re-run and to run in several copies: each notice is "
        "sent once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Run again every SECONDS instead of exiting after one run.",
        )

    def handle(self, *args: Any, loop: float | None = None, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        if loop is None:
            self._run()
            return
        if loop <= 0:
            raise CommandError("--loop needs a positive number of seconds.")
        while True:
            # Like a request: drop connections the database closed while we slept.
            close_old_connections()
            try:
                self._run()
            except Exception:
                # A locked or restarting database should cost one run, not the scheduler.
                logger.exception("Reminder run failed; trying again in %s s", loop)
            time.sleep(loop)

    def _run(self) -> None:
        counts = send_due_notices()
        # Quiet when idle, so a looping scheduler's log shows only the runs that did something.
        if (counts and self.verbosity >= 1) or self.verbosity > 1:
            self.stdout.write(f"Sent {counts}.")
