"""Reads for the meeting pages: lists, RSVP counts and names, the practice plan's inputs."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import User
from peersupport.meetings.access import meetings_for_user
from peersupport.meetings.dyads import Round, plan_dyads
from peersupport.meetings.models import Invitation, Meeting, Rsvp, Scenario

# Names shown per answer on the meeting page; the counts are always complete.
NAMES_SHOWN = 300


@dataclass
class AnswerGroup:
    answer: str
    label: str
    count: int = 0
    names: list[str] = field(default_factory=list)


def upcoming_meetings(user: User) -> QuerySet[Meeting]:
    """The user's program's meetings that have not ended."""
    return meetings_for_user(user).filter(ends_at__gt=timezone.now()).order_by("starts_at", "pk")


def past_meetings(user: User) -> QuerySet[Meeting]:
    return meetings_for_user(user).filter(ends_at__lte=timezone.now()).order_by("-starts_at", "-pk")


def rsvp_summary(meeting: Meeting) -> list[AnswerGroup]:
    """Yes, maybe, no and not yet answered: how many, and who (by name)."""
    groups = {value: AnswerGroup(value, str(label)) for value, label in [*Rsvp.choices, ("", _("No answer yet"))]}
    for row in Invitation.objects.filter(meeting=meeting).values("answer").annotate(n=Count("pk")):
        groups[row["answer"]].count = row["n"]
    for value, group in groups.items():
        group.names = list(Invitation.objects.filter(meeting=meeting, answer=value)
                           .order_by("supporter__person__name", "pk")
                           .values_list("supporter__person__name", flat=True)[:NAMES_SHOWN])
    return list(groups.values())


def attendance_choices(meeting: Meeting) -> list[tuple[int, str]]:
    rows = (Invitation.objects.filter(meeting=meeting).order_by("supporter__person__name", "pk")
            .values_list("supporter_id", "supporter__person__name"))
    return list(rows)


def attended_ids(meeting: Meeting) -> list[int]:
    return list(Invitation.objects.filter(meeting=meeting, attended=True).values_list("supporter_id", flat=True))


@dataclass(frozen=True)
class ShownGroup:
    supporter: str
    colleague: str
    observer: str


@dataclass(frozen=True)
class ShownRound:
    number: int
    scenario: Scenario | None
    groups: list[ShownGroup]


@dataclass
class PracticePlan:
    rounds: list[Round]
    names: dict[int, str]
    scenarios: dict[int, Scenario]
    from_attendance: bool

    def shown(self) -> list[ShownRound]:
        """The plan with names and scenarios, for the page."""
        return [
            ShownRound(number=r.number, scenario=self.scenarios.get(r.scenario) if r.scenario else None,
                       groups=[ShownGroup(self.names[g.supporter], self.names[g.colleague],
                                          self.names[g.observer] if g.observer is not None else "")
                               for g in r.groups])
            for r in self.rounds
        ]


def practice_plan(meeting: Meeting, *, rounds: int, seed: int) -> PracticePlan:
    """The attendees once attendance is recorded; before that, those who said yes."""
    from_attendance = meeting.attendance_recorded_at is not None
    invitations = Invitation.objects.filter(meeting=meeting)
    invitations = invitations.filter(attended=True) if from_attendance else invitations.filter(answer=Rsvp.YES)
    names = dict(invitations.values_list("supporter_id", "supporter__person__name"))
    scenarios = {s.pk: s for s in Scenario.objects.in_use()}
    plan = plan_dyads(list(names), list(scenarios), rounds=rounds, seed=seed)
    return PracticePlan(rounds=plan, names=names, scenarios=scenarios, from_attendance=from_attendance)


@dataclass(frozen=True)
class UpcomingInvitation:
    meeting: Meeting
    answer_label: str
    rsvp_url: str


def upcoming_invitations(supporter_id: int, *, now: datetime | None = None, limit: int = 3) -> list[UpcomingInvitation]:
    """The meetings a supporter is invited to that have not ended and are not cancelled, soonest
    first, with their answer so far and a fresh link to answer or change it (one query)."""
    from peersupport.meetings.links import rsvp_url

    now = now or timezone.now()
    invitations = (Invitation.objects.filter(supporter_id=supporter_id, meeting__ends_at__gt=now,
                                             meeting__cancelled_at__isnull=True)
                   .select_related("meeting").order_by("meeting__starts_at")[:limit])
    return [UpcomingInvitation(meeting=invitation.meeting,
                               answer_label=invitation.get_answer_display() if invitation.answer else "",
                               rsvp_url=rsvp_url(meeting_id=invitation.meeting_id, supporter_id=supporter_id))
            for invitation in invitations]


def attendance_counts(supporter_ids: list[int]) -> dict[int, int]:
    """Supporter id -> supporter meetings they came to (recorded attendance), in one query."""
    return dict(Invitation.objects.filter(supporter_id__in=supporter_ids, attended=True).order_by()
                .values("supporter_id").annotate(n=Count("pk")).values_list("supporter_id", "n"))
