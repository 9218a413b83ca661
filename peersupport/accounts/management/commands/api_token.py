from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peersupport.accounts.models import ApiToken, TokenScope, User
from peersupport.accounts.services import api_token_issue, api_token_revoke
from peersupport.lib.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Print a new API token for a user (shown once; only its digest is stored). With --list, "
        "show the user's tokens by prefix, with when each was issued, last used, expires or was "
        "revoked; with --revoke PREFIX, stop one token working (audited)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", nargs="?", help="The user to issue a token for, or whose tokens to list.")
        parser.add_argument("--list", dest="list_tokens", action="store_true",
                            help="List the user's tokens instead of issuing one.")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the token that starts with PREFIX.")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.FULL,
                            help="What the new token may call within the user's role (default: full).")

    def handle(self, *args: Any, email: str | None, list_tokens: bool, revoke: str | None, scope: str,
               **options: Any) -> None:
        try:
            if revoke:
                token = api_token_revoke(prefix=revoke)
                self.stdout.write(f"Revoked {token.prefix}… of {token.user.email}.")
            elif not email:
                raise CommandError("Name the user (EMAIL), or give --revoke PREFIX.")
            elif list_tokens:
                self._list(email)
            else:
                self.stdout.write(api_token_issue(email=email, scope=scope))
        except ServiceError as error:
            raise CommandError(error.detail) from None

    def _list(self, email: str) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user {email!r}.")
        usable = set(ApiToken.objects.filter(user=user).usable().values_list("pk", flat=True))
        tokens = ApiToken.objects.filter(user=user).order_by("-created_at")
        if not tokens:
            self.stdout.write(f"{user.email} has no API tokens.")
        for token in tokens:
            if token.revoked_at:
                state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}"
            elif token.pk not in usable:
                state = "expired" if user.is_active else "login deactivated"
            else:
                state = f"expires {token.ends_at:%Y-%m-%d}" if token.ends_at else "does not expire"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(f"{token.prefix}…  issued {token.created_at:%Y-%m-%d %H:%M}  last used {used}  {state}"
                              f"  scope {token.scope}" + (f"  “{token.name}”" if token.name else ""))
