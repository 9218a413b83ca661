"""Shared by the team tests: the Monday that starts this week, a signed-in supporter."""

from datetime import date, timedelta

from django.utils import timezone

from peersupport.accounts.models import User
from peersupport.roster.models import Supporter


def this_monday(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today - timedelta(days=today.weekday())


def sign_in(client, supporter: Supporter) -> None:
    client.force_login(User.objects.get(person=supporter.person))
