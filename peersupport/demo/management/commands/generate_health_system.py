"""Build a health system's worth of program data (for measuring at scale), from a seed."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peersupport.demo.health_system import database_is_empty, generate


class Command(BaseCommand):
    help = (
        "Build a realistic program at health-system scale, the same for the same seed: sites, "
        "departments and specialties, supporters in every state, resources, and years of "
        "referrals, cases, conversations and audit entries. Only into an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--staff", type=int, default=100_000, help="Clinicians on the roster.")
        parser.add_argument("--supporters", type=int, default=5_000, help="Peer supporters among them.")
        parser.add_argument("--years", type=int, default=5, help="Years of referrals and cases.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed builds the same data.")

    def handle(self, *args: Any, staff: int, supporters: int, years: int, seed: int, **options: Any) -> None:
        if staff < 50 or supporters < 5 or years < 1:
            raise CommandError("Use at least 50 staff, 5 supporters and 1 year.")
        if supporters > staff // 2:
            raise CommandError("Supporters must be at most half the staff.")
        if not database_is_empty():
            raise CommandError(
                "This database already holds a roster; the health system is only built into an "
                "empty database, so nothing of a real program is mixed with made-up data. "
                "Point DATABASE_URL at a new database and run migrate first. Nothing was changed."
            )
        built = generate(staff=staff, supporters=supporters, years=years, seed=seed)
        for name, count in built.counts.items():
            self.stdout.write(f"{name}: {count:,}")
        self.stdout.write(f"Built in {built.seconds:.1f} s.")
