"""Remind the owners of late steps and escalate to the directors: once, or every few minutes."""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from peersupport.cases.timeliness import send_due_notices
from peersupport.lib.looping import add_loop_argument, run_once_or_every

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
        add_loop_argument(parser, "Run again every SECONDS instead of exiting after one run.")

    def handle(self, *args: Any, loop: float | None = None, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        run_once_or_every(loop, self._run, logger=logger, failure="Reminder run failed")

    def _run(self) -> None:
        counts = send_due_notices()
        # Quiet when idle, so a looping scheduler's log shows only the runs that did something.
        if (counts and self.verbosity >= 1) or self.verbosity > 1:
            self.stdout.write(f"Sent {counts}.")
