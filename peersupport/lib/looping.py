"""`--loop SECONDS` for the management commands that the Procfile keeps running beside the web.

A sweeper or scheduler runs its job once and exits (for cron), or with `--loop` runs it again
every few seconds until stopped (for a process supervisor). The loop lives here so the commands
share one answer to a failed round and to a database that dropped the connection while we slept.
"""

import logging
import time
from collections.abc import Callable

from django.core.management.base import CommandError, CommandParser
from django.db import close_old_connections


def add_loop_argument(parser: CommandParser, help_text: str) -> None:
    """Offer `--loop SECONDS`; `run_once_or_every` refuses a value that is not positive."""
    parser.add_argument("--loop", type=float, metavar="SECONDS", help=help_text)


def run_once_or_every(
    seconds: float | None, job: Callable[[], object], *, logger: logging.Logger, failure: str
) -> None:
    """Run `job` once, or with `seconds` again every `seconds` until the process is stopped.

    Once, a failure is the command's failure and reaches whoever ran it. Looping, a locked or
    restarting database should cost one round, not the loop: the error is logged under the
    command's own logger as "<failure>; trying again in N s" and the next round comes on time.
    Ctrl-C and SIGTERM are not caught: the jobs work in short transactions and are safe to
    re-run, so a round cut short needs no cleanup (KeyboardInterrupt reaches the caller, SIGTERM
    ends the process as usual).
    """
    if seconds is None:
        job()
        return
    if seconds <= 0:
        raise CommandError("--loop needs a positive number of seconds.")
    while True:
        # Like a request: drop connections the database closed while we slept.
        close_old_connections()
        try:
            job()
        except Exception:
            logger.exception(f"{failure}; trying again in %s s", seconds)
        time.sleep(seconds)
