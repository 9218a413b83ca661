"""The planner's arithmetic: plain Python over aggregated numbers (a `PlanInput` in, a `Plan` out).

No ORM here: `selectors.plan_input` counts what this needs in the database, so the numbers can be
tested (and property-tested) on their own. The formulas are written out in docs/leadership.md,
"Planning whom to serve".
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from peersupport.reports.rates import may_show

# The share of days on which the open cases fit the team: the plan staffs for the 95th
# percentile of the number of cases open at once, not its average.
PEAK_QUANTILE = 0.95
DAYS_A_YEAR = 365
WEEKS_A_YEAR = 52
# For comparison only: University of Missouri's forYOU team, about 93 supporters for about
# 6,500 staff (EVIDENCE.md), about one supporter per 70 people served.
FORYOU_PEOPLE_PER_SUPPORTER = 70


class Source(StrEnum):
    HISTORY = "history"
    DEFAULT = "default"


@dataclass(frozen=True)
class RoleHistory:
    """The program's last 12 months for one role, across all sites: distinct clinicians of the role
    referred, and the active people in the role today."""

    referred: int
    people: int


@dataclass(frozen=True)
class EncounterHistory:
    """Cases closed in the last 12 months and their encounters (count and minutes)."""

    closed_cases: int
    encounters: int
    minutes: int


@dataclass(frozen=True)
class Assumptions:
    """The planner's settings: the defaults used where the program's own history is too short."""

    rates: Mapping[str, float]  # referrals per 100 clinicians a year, by role
    encounters_per_case: float
    minutes_per_encounter: float
    case_days: float  # how long a case holds its supporter, from assignment to close
    # The share of the team able to take a case on a given day (not paused, on leave or away).
    available_percent: float
    director_base_hours_week: float
    director_minutes_per_referral: float


@dataclass(frozen=True)
class PlanInput:
    population: Mapping[str, int]  # active people in the chosen roles and sites, by role
    assumptions: Assumptions
    case_limit: int
    threshold: int
    # None until the program's first case is a year old.
    history: Mapping[str, RoleHistory] | None = None
    encounters: EncounterHistory | None = None
    supporters_now: int = 0


@dataclass(frozen=True)
class RoleLine:
    role: str
    people: int
    rate: float  # per 100 a year
    source: Source
    referrals: float
    # Supporters of the same role for this role's own referrals (a nurse for a nurse).
    supporters_needed: int


@dataclass(frozen=True)
class Plan:
    lines: list[RoleLine]
    people: int
    referrals: float
    encounters_per_case: float
    encounters_source: Source
    minutes_per_encounter: float
    minutes_source: Source
    supporter_hours: float
    concurrent_cases: float
    peak_cases: int
    case_limit: int
    supporters_needed: int
    supporters_now: int
    director_hours_week: float
    foryou_supporters: int

    @property
    def supporters_to_recruit(self) -> int:
        return max(0, self.supporters_needed - self.supporters_now)

    @property
    def hours_per_supporter_month(self) -> float:
        return self.supporter_hours / self.supporters_needed / 12 if self.supporters_needed else 0.0

    @property
    def rate_sources(self) -> set[Source]:
        return {line.source for line in self.lines}


def poisson_quantile(mean: float, q: float = PEAK_QUANTILE) -> int:
    """The smallest k with P(X <= k) >= q for X ~ Poisson(mean): cases open at once, when
    referrals arrive independently, follow it. Summed in log space so a large mean cannot
    underflow."""
    if mean <= 0:
        return 0
    total = 0.0
    k = 0
    log_mean = math.log(mean)
    # Far past the mean the tail is negligible; the bound only guards against rounding.
    limit = int(mean + 20 * math.sqrt(mean) + 20)
    while k < limit:
        total += math.exp(k * log_mean - mean - math.lgamma(k + 1))
        if total >= q:
            return k
        k += 1
    return limit


def supporters_for(referrals: float, a: Assumptions, case_limit: int) -> tuple[float, int, int]:
    """(mean cases open at once, the 95th percentile of them, supporters to carry that peak when
    only the available share of them can take a case)."""
    concurrent = referrals * a.case_days / DAYS_A_YEAR
    peak = poisson_quantile(concurrent)
    capacity = case_limit * a.available_percent / 100
    return concurrent, peak, math.ceil(peak / capacity) if capacity > 0 else 0


def nurse_supporters_needed(referrals: float, a: Assumptions, case_limit: int, site_minimum: int) -> int:
    """Enough nurse supporters for the nurses' own referrals, and never fewer than the sites
    where nurses work need (`site_minimum`)."""
    return max(supporters_for(referrals, a, case_limit)[2], site_minimum)


def site_minimum(departments_by_site: Sequence[int], *, exclude_same_department: bool) -> int:
    """The fewest nurse supporters that leave no nurse without one at their own site: one per site
    where nurses work; two where they work in several departments and the program never gives a
    peer a supporter from their own department (the one supporter's own colleagues need another)."""
    return sum(2 if exclude_same_department and departments > 1 else 1
               for departments in departments_by_site if departments > 0)


def role_rate(role: str, data: PlanInput) -> tuple[float, Source]:
    """The role's own rate from the last 12 months when its count reaches the program's
    threshold (a smaller count is never shown, so it is not used either); else the default."""
    history = (data.history or {}).get(role)
    if (history is not None and history.referred >= data.threshold
            and may_show(history.referred, history.people, data.threshold)):
        return 100.0 * history.referred / history.people, Source.HISTORY
    return float(data.assumptions.rates.get(role, 0.0)), Source.DEFAULT


def encounter_figures(data: PlanInput) -> tuple[float, Source, float, Source]:
    a, history = data.assumptions, data.encounters
    per_case, per_case_source = a.encounters_per_case, Source.DEFAULT
    minutes, minutes_source = a.minutes_per_encounter, Source.DEFAULT
    if history is not None:
        if history.closed_cases >= data.threshold:
            per_case, per_case_source = history.encounters / history.closed_cases, Source.HISTORY
        if history.encounters >= data.threshold:
            minutes, minutes_source = history.minutes / history.encounters, Source.HISTORY
    return per_case, per_case_source, minutes, minutes_source


def make_plan(data: PlanInput) -> Plan:
    a = data.assumptions
    lines = []
    for role, people in data.population.items():
        rate, source = role_rate(role, data)
        referrals = people * rate / 100
        lines.append(RoleLine(role=role, people=people, rate=rate, source=source, referrals=referrals,
                              supporters_needed=supporters_for(referrals, a, data.case_limit)[2]))
    people = sum(data.population.values())
    referrals = sum(line.referrals for line in lines)
    per_case, per_case_source, minutes, minutes_source = encounter_figures(data)
    concurrent, peak, needed = supporters_for(referrals, a, data.case_limit)
    return Plan(
        lines=lines,
        people=people,
        referrals=referrals,
        encounters_per_case=per_case,
        encounters_source=per_case_source,
        minutes_per_encounter=minutes,
        minutes_source=minutes_source,
        supporter_hours=referrals * per_case * minutes / 60,
        concurrent_cases=concurrent,
        peak_cases=peak,
        case_limit=data.case_limit,
        supporters_needed=needed,
        supporters_now=data.supporters_now,
        director_hours_week=a.director_base_hours_week
        + referrals / WEEKS_A_YEAR * a.director_minutes_per_referral / 60,
        foryou_supporters=math.ceil(people / FORYOU_PEOPLE_PER_SUPPORTER),
    )


@dataclass(frozen=True)
class Department:
    name: str
    nurses: int
    nurse_supporters: int


@dataclass(frozen=True)
class Recruit:
    department: str
    nurses: int
    nurse_supporters: int
    recruit: int


def recruit_from(departments: Sequence[Department], more: int) -> list[Recruit]:
    """Where to find `more` nurse supporters: one at a time, each from the department with the
    most nurses per nurse supporter it would then have (nurses / (supporters + 1)), ties to the
    larger department, then by name. So departments with many nurses and few nurse supporters
    come first, and a large one may be asked for more than one."""
    candidates = [d for d in departments if d.nurses > 0]
    if more <= 0 or not candidates:
        return []
    added: dict[str, int] = {d.name: 0 for d in candidates}

    def pressure(d: Department) -> tuple[float, int, str]:
        return (-d.nurses / (d.nurse_supporters + added[d.name] + 1), -d.nurses, d.name)

    for _ in range(more):
        added[min(candidates, key=pressure).name] += 1
    chosen = [Recruit(d.name, d.nurses, d.nurse_supporters, added[d.name]) for d in candidates if added[d.name]]
    return sorted(chosen, key=lambda r: (-r.recruit, -r.nurses, r.department))
