"""Purge the identifying details of cases closed longer than the retention period: once, or daily."""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from peersupport.cases.retention import expired_cases, retention_cutoffs, retention_purge
from peersupport.lib.looping import add_loop_argument, run_once_or_every

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Remove the identifying details of every case closed longer than its program's "
        "retention period (Settings: retention days), unless it is on legal hold, keeping the "
        "anonymous counts; each purge is audited. Then exit, or with --loop SECONDS run again "
        "every SECONDS (e.g. --loop 86400 for daily). Safe to re-run and to run in several copies."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_loop_argument(parser, "Run again every SECONDS instead of exiting after one run.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Only say how many cases are due (and how many are on legal hold).")

    def handle(self, *args: Any, loop: float | None = None, dry_run: bool = False, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        if dry_run:
            expired = expired_cases(retention_cutoffs())
            held = expired.filter(legal_hold=True).count()
            self.stdout.write(f"{expired.count() - held} case(s) due for purging; {held} on legal hold.")
            return
        run_once_or_every(loop, self._run, logger=logger, failure="Retention purge failed")

    def _run(self) -> None:
        result = retention_purge()
        if result.cases or result.referrals or self.verbosity > 1:
            closed_before = "; ".join(f"{each.name}: closed before {each.cutoff:%Y-%m-%d}" for each in result.cutoffs)
            self.stdout.write(
                f"Purged {result.cases} case(s) and {result.referrals} referral(s) past their program's "
                f"retention period ({closed_before}); {result.on_hold} on legal hold left as they are."
            )
