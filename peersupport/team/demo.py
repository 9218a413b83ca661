"""The demo's team life: an on-call rota for the coming weeks, a supporter on a pause, supporters
who opted in to recognition, and a check-in asked for after a case. Through the same services the
pages use (so the audit trail says what happened), called by `demo.services.demo_load`."""

from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from peersupport.accounts.models import Role, User
from peersupport.cases.models import HOLDING_STATES, Case, CheckInReason
from peersupport.cases.services_checkin import case_request_check_in
from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.roster.models import Supporter, SupporterStatus
from peersupport.team.models import OnCallWeek, PauseReason
from peersupport.team.services import (
    on_call_team_save,
    on_call_week_set,
    participation_pause,
    participation_set_recognition,
)

TEAM_NAMES = ("Team Cedar", "Team Maple", "Team Willow")
TEAM_SIZE = 4
ROTA_WEEKS = 6
# The rota's past: a year of weeks, every ninth one left uncovered.
PAST_ROTA_WEEKS = 52
PAST_GAP_EVERY = 9


def demo_team(supporter_users: list[User]) -> None:
    # Riverside's (the default program's) director keeps Riverside's rota; Lakeside has its own.
    director = (User.objects.filter(role=Role.DIRECTOR, is_active=True, program__is_default=True)
                .order_by("pk").first())
    if director is None or len(supporter_users) < 2:
        return
    first_outbox_pk = OutboxMessage.objects.aggregate(top=Max("pk"))["top"] or 0
    paused_user = supporter_users[-1]
    # The rota: the logins' supporters first (so a visitor signed in as one sees their weeks),
    # then other active supporters, never the one about to pause.
    with_login = list(Supporter.objects.filter(person__user__in=supporter_users[:-1]).order_by("person__user__pk"))
    others = list(Supporter.objects.filter(status=SupporterStatus.ACTIVE, person__program_id=director.program_pk)
                  .exclude(person__user__isnull=False)
                  .order_by("pk")[:TEAM_SIZE * len(TEAM_NAMES)])
    pool = list(dict.fromkeys(with_login + others))
    teams = []
    for n, name in enumerate(TEAM_NAMES):
        members = pool[n::len(TEAM_NAMES)][:TEAM_SIZE]
        if members:
            teams.append(on_call_team_save(actor=director, name=name, supporter_ids=[s.pk for s in members]))
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    for week in range(ROTA_WEEKS if teams else 0):
        on_call_week_set(actor=director, starts_on=monday + timedelta(weeks=week), team_id=teams[week % len(teams)].pk)
    # The past year's rota, written as it was kept (the service plans weeks ahead only): most weeks
    # covered, a few holiday weeks nobody took, so the reports' on-call coverage reads true.
    if teams:
        OnCallWeek.objects.bulk_create(
            OnCallWeek(program_id=director.program_pk, starts_on=monday - timedelta(weeks=week),
                       team=teams[week % len(teams)])
            for week in range(1, PAST_ROTA_WEEKS + 1) if week % PAST_GAP_EVERY != 0
        )
    participation_pause(actor=paused_user, until=today + timedelta(days=10), reason=PauseReason.LEAVE)
    for user in supporter_users[:2]:
        participation_set_recognition(actor=user, opt_in=True)
    holding = Case.objects.filter(state__in=HOLDING_STATES, supporter__person__user=supporter_users[0]).order_by("pk")
    case = holding.first()
    if case is not None:
        case_request_check_in(actor=supporter_users[0], case_id=case.pk, reason=CheckInReason.HARD_CONVERSATION)
    # As the rest of the demo: what it "did" is not mailed to the invented addresses.
    OutboxMessage.objects.filter(pk__gt=first_outbox_pk, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SENT, sent_at=timezone.now())
