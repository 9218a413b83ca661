from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from peersupport.accounts.intake_secrets import (
    TOLERANCE_SECONDS,
    intake_secret_retire_old,
    intake_secret_rotate,
    intake_secret_state,
)
from peersupport.lib.errors import ServiceError


class Command(BaseCommand):
    help = (
        "The shared secret that signs the safety-reporting system's intake "
        "(POST /api/v1/intake/safety-report). Alone: which secrets are valid, made when and last used "
        "when (never the secrets). --rotate: print a new secret, shown once; the one it replaces stays "
        "valid until --retire-old, which makes every secret but the newest stop working."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--rotate", action="store_true", help="Make a new secret and print it (once).")
        group.add_argument("--retire-old", action="store_true",
                           help="Stop every secret but the newest from verifying.")

    def handle(self, *args: Any, rotate: bool, retire_old: bool, **options: Any) -> None:
        try:
            if rotate:
                secret = intake_secret_rotate()
                self.stdout.write(secret)
                self.stderr.write("The new intake secret is above; it is not shown again. Give it to the "
                                  "reporting system. Any earlier secret stays valid until "
                                  "`intake_secret --retire-old`.")
            elif retire_old:
                retired = intake_secret_retire_old()
                self.stdout.write(f"Retired {retired} old secret{'s' if retired != 1 else ''}; only the newest "
                                  "verifies now." if retired else "Nothing to retire: one secret at most is valid.")
            else:
                self._show()
        except ServiceError as error:
            raise CommandError(error.detail) from None

    def _show(self) -> None:
        state = intake_secret_state()
        if not state:
            self.stdout.write("No intake secret: the safety-report intake answers 503. "
                              "Run `intake_secret --rotate` to make one.")
            return
        for row in state:
            used = (f"last used {timezone.localtime(row.last_used_at):%Y-%m-%d %H:%M}" if row.last_used_at
                    else "never used")
            role = "current" if row.current else "previous (valid until --retire-old)"
            self.stdout.write(f"Secret #{row.number}: {role}, made "
                              f"{timezone.localtime(row.created_at):%Y-%m-%d %H:%M}, {used}")
        self.stdout.write(f"Signed requests are taken up to {TOLERANCE_SECONDS} seconds old or ahead.")
