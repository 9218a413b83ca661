"""The deck's team slide and its next steps, from the team composition, the training records,
the on-call rota, the planner and the publicity checklist.

Leadership may download the deck, so the team is shown as the composition page shows it to
leadership: counts below the threshold hidden (`lib.suppression`), gaps said in words. The
director's own deck adds what the planner shows the director only: the kinds of peer no
supporter can take at a site today, and the departments to ask for nurse supporters.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max, Q
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

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
from peersupport.training.models import TrainingSettings
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
        if not self.covered:
            return gettext("none")
        return gettext("%(covered)s of %(groups)s: %(names)s") % {
            "covered": len(self.covered), "groups": self.groups, "names": names(self.covered)}


@dataclass(frozen=True)
class Team:
    supporters: Cell
    training_current: Cell
    training_overdue: Cell
    on_call_weeks: int  # of the next ROTA_WEEKS with a team on call
    coverage: list[Coverage]
    gaps: list[str]
    # The groups the gaps are in ("Nurse (professional role)"), for the next steps.
    gap_groups: list[str]
    # The director's deck only (empty otherwise).
    unmatched: list[str]


@dataclass(frozen=True)
class NextSteps:
    steps: list[str]


def names(items: list[str]) -> str:
    if len(items) <= MAX_NAMES:
        return ", ".join(items)
    return gettext("%(names)s and %(count)s more") % {"names": ", ".join(items[:MAX_NAMES]),
                                                      "count": len(items) - MAX_NAMES}


def _coverage(table: CompositionTable) -> Coverage:
    rows = [row for row in table.rows if row.named]
    served = [row for row in rows if row.population.value != 0]
    return Coverage(title=table.title, covered=[row.label for row in served if row.team.value != 0],
                    groups=len(served))


def _training(today: date, program_id: int) -> tuple[Cell, Cell]:
    """The program's active supporters whose training is current and whose refresher is overdue.
    Counts of the program's own team, shown as the reports' team table shows them (docs/leadership.md, "The
    team"): they describe people who chose a public role in the program, not the peers."""
    dates = refresher_dates(today, TrainingSettings.for_program(program_id))
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
    groups = [gettext("%(group)s (%(dimension)s)") % {"group": row.label, "dimension": title.lower()}
              for title, row in composition.gaps]
    return Team(
        supporters=composition.tables[0].team_total, training_current=current, training_overdue=overdue,
        on_call_weeks=_on_call_weeks(today, program_id), coverage=[_coverage(table) for table in composition.tables],
        gaps=[gettext("%(group)s: %(gap)s") % {"group": group, "gap": row.gap.lower()}
              for group, (_title, row) in zip(groups, composition.gaps, strict=True)],
        gap_groups=groups, unmatched=unmatched,
    )


def _asks(grow: GrowToNurses) -> str:
    return names([gettext("%(department)s for %(count)s") % {"department": r.department, "count": r.recruit}
                  for r in grow.departments])


def _number(value: float, decimals: int | None = None) -> str:
    """A number as the reader's language writes it, rounded (not cut) to `decimals`."""
    return number_format(Decimal(f"{value:.{decimals}f}") if decimals is not None else value, decimals,
                         force_grouping=True)


def _nurse_step(line: RoleLine, grow: GrowToNurses | None, serving_nurses: bool) -> str:
    if serving_nurses:
        if grow is None or not grow.more:
            return ""
        return ngettext("Recruit %(count)s more nurse supporter so that every nurse can be offered a nurse: ask "
                        "%(asks)s.",
                        "Recruit %(count)s more nurse supporters so that every nurse can be offered a nurse: ask "
                        "%(asks)s.", grow.more) % {"count": grow.more, "asks": _asks(grow)}
    if not line.people:
        return ""
    step = ngettext("Grow to nurses: %(nurses)s nurses would bring about %(referrals)s referrals a year and need "
                    "at least %(count)s nurse supporter of their own (the planner).",
                    "Grow to nurses: %(nurses)s nurses would bring about %(referrals)s referrals a year and need "
                    "at least %(count)s nurse supporters of their own (the planner).", line.supporters_needed) % {
        "nurses": _number(line.people), "referrals": _number(line.referrals, 0), "count": line.supporters_needed}
    if grow is not None and grow.departments:
        step += " " + gettext("Ask %(asks)s.") % {"asks": _asks(grow)}
    return step


def _publicity_step(period: Period, referrals: Value_ | None, expected: float, today: date,
                    program_id: int) -> str:
    expected_in_period = expected * period.length / 12
    if isinstance(referrals, int) and referrals >= FEW_REFERRALS_SHARE * expected_in_period:
        return ""
    since = today - timedelta(days=PUBLICITY_MONTHS * 30)
    places = [p.name for p in PublicityPlace.objects.filter(program_id=program_id).annotate(last=Max("dates__done_on"))
              if p.last is None or p.last < since]
    said = gettext("few") if not isinstance(referrals, int) else _number(referrals)
    step = gettext("Publicize the program: referrals (%(said)s) are under half of the about %(expected)s the "
                   "planner expects for %(period)s; low awareness is the barrier programs name most.") % {
        "said": said, "expected": _number(expected_in_period, 0), "period": period.label}
    if places:
        step += " " + gettext("Not used in the last %(months)s months: %(places)s.") % {
            "months": PUBLICITY_MONTHS, "places": names(places)}
    return step


def next_steps(team: Team, period: Period, referrals: Value_ | None, program: ProgramSettings, *,
               with_team_detail: bool, today: date) -> NextSteps:
    """What the figures call for, each step worked out from them; the last is always to review."""
    steps: list[str] = []
    if team.gaps:
        steps.append(gettext("Recruit supporters where the team falls short of the people it serves: %(groups)s.")
                     % {"groups": names(team.gap_groups)})
    program_id = program.program_id or 0
    served = planning(Choice(serve=served_now(program_id), site=""), program_id=program_id, with_team_detail=False)
    serving_nurses = RoleType.NURSE in served.choice.roles
    nurses = served if serving_nurses else planning(Choice(serve="nurses", site=""), program_id=program_id,
                                                    with_team_detail=with_team_detail)
    if serving_nurses and with_team_detail:
        nurses = planning(served.choice, program_id=program_id, with_team_detail=True)
    line = next(line for line in nurses.plan.lines if line.role == RoleType.NURSE)
    steps.append(_nurse_step(line, nurses.grow_to_nurses, serving_nurses))
    steps.append(_publicity_step(period, referrals, served.plan.referrals, today, program_id))
    if team.training_overdue.value != 0:
        steps.append(gettext("Offer a refresher: %(count)s active supporters' training is overdue.")
                     % {"count": team.training_overdue.text})
    if team.on_call_weeks < ROTA_WEEKS:
        missing = ROTA_WEEKS - team.on_call_weeks
        steps.append(gettext("Fill the on-call rota: %(missing)s of the next %(weeks)s weeks have no team on call.")
                     % {"missing": missing, "weeks": ROTA_WEEKS})
    steps.append(gettext("Review these figures with leadership again for %(period)s: the reports page and this deck "
                         "are made afresh from the program's records each time.") % {"period": period.next().label})
    return NextSteps([step for step in steps if step])
