"""Sweep the outbox: send every due email, whether or not its background task was queued."""

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from peersupport.notifications.services import outbox_flush

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Send every due outbox email (new, retry due, or abandoned by a crashed worker) once and "
        "exit. With --loop SECONDS, keep sweeping every SECONDS until stopped. Safe to run "
        "beside the task worker and in several copies: each message is claimed before sending."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Sweep again every SECONDS instead of exiting after one sweep.",
        )

    def handle(self, *args: Any, loop: float | None = None, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        if loop is None:
            self._sweep()
            return
        if loop <= 0:
            raise CommandError("--loop needs a positive number of seconds.")
        while True:
            # Like a request: drop connections the database closed while we slept.
            close_old_connections()
            try:
                self._sweep()
            except Exception:
                # A locked or restarting database should cost one sweep, not the sweeper.
                logger.exception("Outbox sweep failed; trying again in %s s", loop)
            time.sleep(loop)

    def _sweep(self) -> None:
        sent = outbox_flush()
        # Quiet when idle, so a looping sweeper's log shows only the sweeps that sent something.
        if (sent and self.verbosity >= 1) or self.verbosity > 1:
            self.stdout.write(f"Sent {sent} outbox message(s).")
