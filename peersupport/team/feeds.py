"""The on-call calendar feeds: a supporter's own on-call weeks, or a team's, as iCalendar.

Calendar clients cannot sign in, so a feed is found by the secret in its address (only its
digest is stored; `team.models.feed_digest`). A feed shows on-call weeks and nothing else: no
peer, no case, no other supporter's name.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from peersupport.team.models import WEEK, OnCallTeam, OnCallWeek, Participation, feed_digest

# A feed covers the weeks from this long ago to this far ahead.
FEED_DAYS_BACK = 56
FEED_DAYS_AHEAD = 366
UID_DOMAIN = "peersupport.on-call"


def supporter_for_feed(token: str) -> Participation | None:
    return Participation.objects.filter(feed_digest=feed_digest(token)).select_related("supporter").first()


def team_for_feed(token: str) -> OnCallTeam | None:
    return OnCallTeam.objects.filter(feed_digest=feed_digest(token)).first()


def _weeks(today: date) -> list[OnCallWeek]:
    return list(
        OnCallWeek.objects.filter(starts_on__gte=today - timedelta(days=FEED_DAYS_BACK),
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
        event.add("summary", f"On call for peer support ({week.team.name})")
        event.add("description", f"Your on-call week for the peer support program. The queue: {settings.SITE_URL}/")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def supporter_feed(participation: Participation) -> bytes:
    """The on-call weeks of every team the supporter is on."""
    teams = set(participation.supporter.on_call_memberships.values_list("team_id", flat=True))
    weeks = [w for w in _weeks(timezone.localdate()) if w.team_id in teams]
    return _calendar("Peer support: my on-call weeks", weeks, timezone.now())


def team_feed(team: OnCallTeam) -> bytes:
    weeks = [w for w in _weeks(timezone.localdate()) if w.team_id == team.pk]
    return _calendar(f"Peer support: on call, {team.name}", weeks, timezone.now())
