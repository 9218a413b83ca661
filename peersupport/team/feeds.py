"""The on-call calendar feeds: a supporter's own on-call weeks, or a team's, as iCalendar.

Calendar clients cannot sign in, so a feed is found by the secret in its address (only its
digest is stored; `team.models.feed_digest`). A feed shows on-call weeks and nothing else: no
peer, no case, no other supporter's name. Its words are in the feed owner's language: the
supporter's own, and a team's in the installation's default language (a team has many readers).
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

from peersupport.lib.i18n import in_language_of
from peersupport.team.models import WEEK, OnCallTeam, OnCallWeek, Participation, feed_digest

# A feed covers the weeks from this long ago to this far ahead.
FEED_DAYS_BACK = 56
FEED_DAYS_AHEAD = 366
UID_DOMAIN = "peersupport.on-call"


def supporter_for_feed(token: str) -> Participation | None:
    return Participation.objects.filter(feed_digest=feed_digest(token)).select_related("supporter").first()


def team_for_feed(token: str) -> OnCallTeam | None:
    return OnCallTeam.objects.filter(feed_digest=feed_digest(token)).first()


def _weeks(today: date, team_ids: set[int]) -> list[OnCallWeek]:
    """The weeks of these teams (each of its own program), in the feed's window."""
    return list(
        OnCallWeek.objects.filter(team_id__in=team_ids, starts_on__gte=today - timedelta(days=FEED_DAYS_BACK),
                                  starts_on__lte=today + timedelta(days=FEED_DAYS_AHEAD))
        .select_related("team")
    )


def _calendar(name: str, weeks: list[OnCallWeek], now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Peer Support Program//On-call rota//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for week in weeks:
        event = Event()
        # Stable per week and team: a client that reloads the feed replaces the event.
        event.add("uid", f"week-{week.starts_on.isoformat()}-team-{week.team_id}@{UID_DOMAIN}")
        event.add("dtstamp", now)
        event.add("dtstart", week.starts_on)
        event.add("dtend", week.starts_on + WEEK)
        event.add("summary", gettext("On call for peer support (%(team)s)") % {"team": week.team.name})
        event.add("description", gettext("Your on-call week for the Peer Support Program. The queue: %(url)s")
                  % {"url": f"{settings.SITE_URL}/"})
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def supporter_feed(participation: Participation) -> bytes:
    """The on-call weeks of every team the supporter is on."""
    supporter = participation.supporter
    teams = set(supporter.on_call_memberships.values_list("team_id", flat=True))
    weeks = _weeks(timezone.localdate(), teams)
    with in_language_of(supporter.person):
        return _calendar(gettext("Peer support: my on-call weeks"), weeks, timezone.now())


def team_feed(team: OnCallTeam) -> bytes:
    weeks = _weeks(timezone.localdate(), {team.pk})
    with in_language_of(None):
        return _calendar(gettext("Peer support: on call, %(team)s") % {"team": team.name}, weeks, timezone.now())
