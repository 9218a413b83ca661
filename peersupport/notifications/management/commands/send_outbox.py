"""Sweep the outbox: send every due message (email or text), whether or not its background task was queued."""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from peersupport.lib.looping import add_loop_argument, run_once_or_every
from peersupport.notifications.services import outbox_flush

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Send every due outbox message, email or text (new, retry due, or abandoned by a crashed worker) once and "
        "exit. With --loop SECONDS, keep sweeping every SECONDS until stopped. Safe to run "
        "beside the task worker and in several copies: each message is claimed before sending."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_loop_argument(parser, "Sweep again every SECONDS instead of exiting after one sweep.")

    def handle(self, *args: Any, loop: float | None = None, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        run_once_or_every(loop, self._sweep, logger=logger, failure="Outbox sweep failed")

    def _sweep(self) -> None:
        sent = outbox_flush()
        # Quiet when idle, so a looping sweeper's log shows only the sweeps that sent something.
        if (sent and self.verbosity >= 1) or self.verbosity > 1:
            self.stdout.write(f"Sent {sent} outbox message(s).")
