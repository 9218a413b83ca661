"""The deck's team slide and its next steps, from the team composition, the training records,
the on-call rota, the planner and the publicity checklist.

Leadership may download the deck, so the team is shown as the composition page shows it to
leadership: counts below the threshold hidden (`lib.suppression`), gaps said in words. The
director's own deck adds what the planner shows the director only: the kinds of peer no
supporter can take at a site today, and the departments to ask for nurse supporters.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Q

from peersupport.composition.selectors import DIMENSIONS, hard_to_match_findings, team_composition
from peersupport.composition.selectors import Table as CompositionTable
from peersupport.lib.suppression import Cell
from peersupport.planner.plan import RoleLine
from peersupport.planner.selectors import Choice, GrowToNurses, planning
from peersupport.planner.views import served_now
from peersupport.program.models import ProgramSettings
from peersupport.publicity.models import PublicityPlace
from peersupport.reports.periods import Period
from peersupport.reports.tables import Value_
from peersupport.roster.models import RoleType, Supporter, SupporterStatus
from peersupport.team.models import WEEK, OnCallWeek
from peersupport.training.selectors import refresher_dates, with_last_training

# The composition's dimensions the deck shows: professional role, specialty, department, site.
COVERAGE = ("role_type", "specialty", "department", "site")
ROTA_WEEKS = 12
# At most this many names in one line of a slide; the rest are counted.
MAX_NAMES = 6
# Referrals under this share of what the planner expects call for publicity.
FEW_REFERRALS_SHARE = 0.5
PUBLICITY_MONTHS = 6


@dataclass(frozen=True)
class Coverage:
    title: str
    covered: list[str]  # groups of the served population with at least one supporter
    groups: int  # groups of the served population in this dimension

    @property
    def text(self) -> str:
        return f"{len(self.covered)} of {self.groups}: {names(self.covered)}" if self.covered else "none"


@dataclass(frozen=True)
class Team:
    supporters: Cell
    training_current: Cell
    training_overdue: Cell
    on_call_weeks: int  # of the next ROTA_WEEKS with a team on call
    coverage: list[Coverage]
    gaps: list[str]
    # The director's deck only (empty otherwise).
    unmatched: list[str]


@dataclass(frozen=True)
class NextSteps:
    steps: list[str]


def names(items: list[str]) -> str:
    if len(items) <= MAX_NAMES:
        return ", ".join(items)
    return ", ".join(items[:MAX_NAMES]) + f" and {len(items) - MAX_NAMES} more"


def _coverage(table: CompositionTable) -> Coverage:
    rows = [row for row in table.rows if row.named]
    served = [row for row in rows if row.population.value != 0]
    return Coverage(title=table.title, covered=[row.label for row in served if row.team.value != 0],
                    groups=len(served))


def _training(today: date, program_id: int) -> tuple[Cell, Cell]:
    """The program's active supporters whose training is current and whose refresher is overdue.
    Counts of the program's own team, shown as the reports' team table shows them (docs/leadership.md, "The
    team"): they describe people who chose a public role in the program, not the peers."""
    dates = refresher_dates(today)
    active = with_last_training(Supporter.objects.filter(status=SupporterStatus.ACTIVE, person__active=True,
                                                         person__program_id=program_id))
    current = active.filter(Q(last_trained_on__gte=dates.overdue_before)).count()
    overdue = active.count() - current
    return Cell(current, f"{current:,}"), Cell(overdue, f"{overdue:,}")


def _on_call_weeks(today: date, program_id: int) -> int:
    """Of the next ROTA_WEEKS weeks from today, how many have a team with one of the program's
    supporters on call (the rota's weeks never overlap, so days covered / 7)."""
    end = today + WEEK * ROTA_WEEKS
    days = 0
    weeks = OnCallWeek.objects.filter(starts_on__gt=today - WEEK, starts_on__lt=end,
                                      team__memberships__supporter__person__program_id=program_id)
    for starts_on in weeks.values_list("starts_on", flat=True).distinct():
        days += (min(starts_on + WEEK, end) - max(starts_on, today)).days
    return days // 7


def team_figures(program: ProgramSettings, today: date, *, with_team_detail: bool) -> Team:
    composition = team_composition(program, [d for d in DIMENSIONS if d.field in COVERAGE])
    program_id = program.program_id or 0
    current, overdue = _training(today, program_id)
    unmatched = ([f.text for f in hard_to_match_findings(program, fewer_than=1)] if with_team_detail else [])
    return Team(
        supporters=composition.tables[0].team_total, training_current=current, training_overdue=overdue,
        on_call_weeks=_on_call_weeks(today, program_id), coverage=[_coverage(table) for table in composition.tables],
        gaps=[f"{row.label} ({title.lower()}): {row.gap.lower()}" for title, row in composition.gaps],
        unmatched=unmatched,
    )


def _asks(grow: GrowToNurses) -> str:
    return names([f"{r.department} for {r.recruit}" for r in grow.departments])


def _nurse_step(line: RoleLine, grow: GrowToNurses | None, serving_nurses: bool) -> str:
    if serving_nurses:
        if grow is None or not grow.more:
            return ""
        return (f"Recruit {grow.more} more nurse supporter{'s' if grow.more != 1 else ''} so that every nurse can "
                f"be offered a nurse: ask {_asks(grow)}.")
    if not line.people:
        return ""
    step = (f"Grow to nurses: {line.people:,} nurses would bring about {line.referrals:.0f} referrals a year "
            f"and need at least {line.supporters_needed} nurse supporter{'s' if line.supporters_needed != 1 else ''} "
            "of their own (the planner).")
    if grow is not None and grow.departments:
        step += f" Ask {_asks(grow)}."
    return step


def _publicity_step(period: Period, referrals: Value_ | None, expected: float, today: date) -> str:
    expected_in_period = expected * period.length / 12
    if isinstance(referrals, int) and referrals >= FEW_REFERRALS_SHARE * expected_in_period:
        return ""
    since = today - timedelta(days=PUBLICITY_MONTHS * 30)
    places = [p.name for p in PublicityPlace.objects.annotate(last=Max("dates__done_on"))
              if p.last is None or p.last < since]
    said = "few" if not isinstance(referrals, int) else f"{referrals:,}"
    step = (f"Publicize the program: referrals ({said}) are under half of the about {expected_in_period:.0f} "
            f"the planner expects for {period.label}; low awareness is the barrier programs name most.")
    if places:
        step += f" Not used in the last {PUBLICITY_MONTHS} months: {names(places)}."
    return step


def next_steps(team: Team, period: Period, referrals: Value_ | None, program: ProgramSettings, *,
               with_team_detail: bool, today: date) -> NextSteps:
    """What the figures call for, each step worked out from them; the last is always to review."""
    steps: list[str] = []
    if team.gaps:
        steps.append(f"Recruit supporters where the team falls short of the people it serves: "
                     f"{names([gap.split(':')[0] for gap in team.gaps])}.")
    program_id = program.program_id or 0
    served = planning(Choice(serve=served_now(program_id), site=""), program_id=program_id, with_team_detail=False)
    serving_nurses = RoleType.NURSE in served.choice.roles
    nurses = served if serving_nurses else planning(Choice(serve="nurses", site=""), program_id=program_id,
                                                    with_team_detail=with_team_detail)
    if serving_nurses and with_team_detail:
        nurses = planning(served.choice, program_id=program_id, with_team_detail=True)
    line = next(line for line in nurses.plan.lines if line.role == RoleType.NURSE)
    steps.append(_nurse_step(line, nurses.grow_to_nurses, serving_nurses))
    steps.append(_publicity_step(period, referrals, served.plan.referrals, today))
    if team.training_overdue.value != 0:
        steps.append(f"Offer a refresher: {team.training_overdue.text} active supporters' training is overdue.")
    if team.on_call_weeks < ROTA_WEEKS:
        missing = ROTA_WEEKS - team.on_call_weeks
        steps.append(f"Fill the on-call rota: {missing} of the next {ROTA_WEEKS} weeks have no team on call.")
    steps.append(f"Review these figures with leadership again for {period.next().label}: the reports page and "
                 "this deck are made afresh from the program's records each time.")
    return NextSteps([step for step in steps if step])
