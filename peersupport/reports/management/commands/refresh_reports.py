"""Work out the reports' suppression for counts that changed: once, or every few seconds."""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from peersupport.lib.looping import add_loop_argument, run_once_or_every
from peersupport.reports.refresh import reports_refresh

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Work out which report figures to hide for every year whose counts changed since it was "
        "last worked out, and keep the result for the pages, exports and API; then exit. With "
        "--loop SECONDS, keep doing so every SECONDS until stopped. A large program's current "
        "year can take minutes: until it is done, the reports show that year as it was last "
        "worked out, and say when. Safe to run in several copies."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_loop_argument(parser, "Run again every SECONDS instead of exiting after one run.")

    def handle(self, *args: Any, loop: float | None = None, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        run_once_or_every(loop, self._run, logger=logger, failure="Report refresh failed")

    def _run(self) -> None:
        refreshed = reports_refresh()
        if (refreshed.count and self.verbosity >= 1) or self.verbosity > 1:
            years = "; ".join(f"{family}: {', '.join(p.label for p in periods)}"
                              for family, periods in refreshed.years.items())
            self.stdout.write(f"Worked out {refreshed.count} year(s) in {refreshed.seconds:.1f} s ({years or 'none'}).")
