"""Load the demo program (Riverside General Hospital) once, and print how to sign in."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import NoReverseMatch, reverse

from peersupport.demo import data as demo_data
from peersupport.demo.second_hospital import HOSPITAL as LAKESIDE
from peersupport.demo.services import (
    DemoLogin,
    DemoTryIt,
    database_holds_only_demo,
    demo_is_loaded,
    demo_load,
    demo_logins,
    demo_try_it,
)
from peersupport.roster.models import Person


class Command(BaseCommand):
    help = (
        f"Load a realistic demo program ({demo_data.HOSPITAL}: about 600 clinicians, a team of "
        "supporters, resources, open and past cases, a login per role). Does nothing if the "
        "demo is already there; never loads into a database that holds a real program."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Wipe the database and load the demo afresh (refused unless the database "
            "holds nothing but the demo).",
        )

    def handle(self, *args: Any, reset: bool = False, **options: Any) -> None:
        if reset:
            if not database_holds_only_demo():
                raise CommandError(
                    "This database holds logins or people that are not the demo's; "
                    "--reset would delete them. Point DATABASE_URL at another database."
                )
            call_command("flush", interactive=False, verbosity=0)
        elif demo_is_loaded():
            self.stdout.write("The demo program is already loaded; nothing to do "
                              "(load_demo --reset loads it afresh).")
            self._print_logins(demo_logins())  # the API token was shown once, when it was loaded
            self._print_try_it(demo_try_it())
            return
        elif Person.objects.exists():
            self.stderr.write(self.style.WARNING(
                "This database already holds a roster that is not the demo's; "
                "the demo is only loaded into an empty program. Nothing was changed."
            ))
            return

        result = demo_load()
        counts = result.counts
        self.stdout.write(self.style.SUCCESS(
            f"Loaded the demo health system, {demo_data.HOSPITAL} and {LAKESIDE} (a program each): "
            f"{counts['people']} people on the "
            f"roster, {counts['supporters']} supporters ({counts['active supporters']} active), "
            f"{counts['resources']} resources, {counts['referrals']} referrals "
            f"({counts['open cases']} open cases, {counts['closed cases']} closed)."
        ))
        self._print_logins(result.logins, result.api_token)
        self._print_try_it(demo_try_it())

    def _print_logins(self, logins: list[DemoLogin], token: str | None = None) -> None:
        try:
            login_path = reverse("login")
        except NoReverseMatch:
            login_path = "/accounts/login/"
        write = self.stdout.write
        write("")
        write(f"Sign in at {settings.SITE_URL}{login_path}")
        write(f"Every demo login has the password: {demo_data.PASSWORD}")
        write("")
        widths = (max([len("Role")] + [len(login.role) for login in logins]),
                  max([len("Email")] + [len(login.email) for login in logins]))
        write(f"  {'Role':<{widths[0]}}  {'Email':<{widths[1]}}  Who")
        for login in logins:
            write(f"  {login.role:<{widths[0]}}  {login.email:<{widths[1]}}  {login.who}")
        write("")
        with_code = [login for login in logins if login.totp_key]
        if with_code:
            write("Directors and administrators also give a 6-digit code after the password. Add their key")
            write("to an authenticator app (time-based; the same on every load), or print the current codes")
            write("with: .venv/bin/python manage.py demo_code")
            for login in with_code:
                key = " ".join(login.totp_key[i:i + 4] for i in range(0, len(login.totp_key), 4))
                write(f"  {login.email:<{widths[1]}}  {key}")
            write("")
        integration = f"integration@{demo_data.DOMAIN}"
        if token:
            write(f"API token for {integration} (shown once, only its digest is stored):")
            write(f"  {token}")
            write(f"  curl -H 'Authorization: Bearer {token}' {settings.SITE_URL}/api/v1/resources")
        else:
            write(f"API tokens are shown once; issue another with: "
                  f"python manage.py api_token {integration}")
        write(f"API documentation: {settings.SITE_URL}/api/v1/docs")

    def _print_try_it(self, try_it: DemoTryIt) -> None:
        write = self.stdout.write
        site = settings.SITE_URL
        write("")
        write("Try the peer's own path (under make run, emails print in the worker's output):")
        if try_it.ask_email:
            write(f"  Ask with no login: signed out, open {site}/support/ask/ and give {try_it.ask_email}")
        if try_it.decline_login:
            write(f"  Decline, then come back: as {try_it.decline_login}, answer \"No, thank you\" on case "
                  f"#{try_it.decline_case_id} ({try_it.decline_peer});")
            write("    a few minutes later the worker prints the email to the peer: open \"I'd like to talk now\".")
        shown = [(try_it.wishes_case_id, "the peer's wishes, and why one cannot be met"),
                 (try_it.continuity_case_id, "continuity: an earlier supporter suggested first"),
                 (try_it.also_referred_case_id, "\"also referred\": a second referral, no second case")]
        for case_id, what in shown:
            if case_id is not None:
                write(f"  As the director: {what}: {site}/cases/{case_id}/")
