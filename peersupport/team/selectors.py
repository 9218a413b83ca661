"""Reads of the team's availability, the rota and the supporters' contribution.

Contribution is counts only: how many outreach tries, peers, minutes of conversation. Never which
peers, which cases, or anything about an event.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Sum
from django.utils import timezone

from peersupport.cases.models import Case, Encounter, OutreachAttempt
from peersupport.meetings.selectors import attendance_counts
from peersupport.roster.models import Supporter, SupporterStatus
from peersupport.team.models import WEEK, OnCallTeam, OnCallWeek, Participation

# How far ahead the director's rota page lists weeks, and how far back.
ROTA_WEEKS_AHEAD = 12
ROTA_WEEKS_BACK = 2


def on_call_week(program_id: int, day: date | None = None) -> OnCallWeek | None:
    """The program's rota week that covers `day` (today by default), with its team."""
    day = day or timezone.localdate()
    return OnCallWeek.objects.filter(program_id=program_id).covering(day).select_related("team").first()


@dataclass(frozen=True)
class OnCallNow:
    week: OnCallWeek
    members: list[Supporter]
    paused_ids: frozenset[int] = frozenset()  # members on call but paused today: not to be called on


def on_call_now(program_id: int, day: date | None = None) -> OnCallNow | None:
    """Who of the program is on call now, for the director's queue and rota: two queries."""
    day = day or timezone.localdate()
    week = on_call_week(program_id, day)
    if week is None:
        return None
    members = list(Supporter.objects.filter(on_call_memberships__team=week.team_id)
                   .select_related("person").order_by("person__name"))
    paused = frozenset(s.pk for s in members if s.paused_until is not None and s.paused_until >= day)
    return OnCallNow(week, members, paused)


def rota_weeks(program_id: int, today: date | None = None) -> list[OnCallWeek]:
    today = today or timezone.localdate()
    return list(
        OnCallWeek.objects.filter(program_id=program_id, starts_on__gt=today - WEEK * (ROTA_WEEKS_BACK + 1),
                                  starts_on__lte=today + WEEK * ROTA_WEEKS_AHEAD)
        .select_related("team")
    )


def teams_with_members(program_id: int) -> list[OnCallTeam]:
    return list(OnCallTeam.objects.filter(program_id=program_id).prefetch_related("memberships__supporter__person"))


def team_supporters(program_id: int) -> list[Supporter]:
    """The program's supporters who may be put on an on-call team: those in training or on the team."""
    return list(
        Supporter.objects.filter(status__in=[SupporterStatus.ACTIVE, SupporterStatus.IN_TRAINING,
                                             SupporterStatus.PAUSED], person__program_id=program_id)
        .select_related("person").order_by("person__name")
    )


def participation_of(supporter: Supporter) -> Participation:
    """The supporter's participation settings (unsaved defaults when they never changed any)."""
    found = Participation.objects.filter(supporter=supporter).first()
    return found or Participation(supporter=supporter)


@dataclass(frozen=True)
class Contribution:
    outreach: int
    peers: int
    minutes: int
    meetings: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def contributions(supporter_ids: list[int]) -> dict[int, Contribution]:
    """Each supporter's contribution, in three grouped queries however many supporters.

    Peers are the cases the supporter holds or held to the end (a case handed back is the next
    supporter's); minutes are those of the conversations on those cases.
    """
    ids = list(supporter_ids)
    outreach = dict(OutreachAttempt.objects.filter(supporter_id__in=ids).order_by()
                    .values("supporter_id").annotate(n=Count("pk")).values_list("supporter_id", "n"))
    peers = dict(Case.objects.filter(supporter_id__in=ids).order_by()
                 .values("supporter_id").annotate(n=Count("pk")).values_list("supporter_id", "n"))
    minutes = dict(Encounter.objects.filter(case__supporter_id__in=ids).order_by()
                   .values("case__supporter_id").annotate(n=Sum("minutes")).values_list("case__supporter_id", "n"))
    meetings = attendance_counts(ids)
    return {
        pk: Contribution(outreach=outreach.get(pk, 0), peers=peers.get(pk, 0), minutes=minutes.get(pk) or 0,
                         meetings=meetings.get(pk, 0))
        for pk in ids
    }


@dataclass(frozen=True)
class Recognized:
    supporter: Supporter
    contribution: Contribution


def recognition_list(program_id: int) -> list[Recognized]:
    """The program's supporters who opted in to public recognition, by name, with their counts."""
    supporters = list(
        Supporter.objects.filter(participation__recognition_opt_in=True, person__program_id=program_id)
        .select_related("person")
        .order_by("person__name", "pk")
    )
    counts = contributions([s.pk for s in supporters])
    return [Recognized(s, counts[s.pk]) for s in supporters]
