"""What the planner counts in the database: a handful of grouped queries whatever the roster's
size (the people by role, the program's last 12 months, the team by role and department), turned
into a `PlanInput` for `plan.make_plan`."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from peersupport.cases.models import Case, CaseState, Encounter
from peersupport.composition.coverage import Finding, PopulationGroup, hard_to_match
from peersupport.matching.selectors import active_supporter_facts, rules_for
from peersupport.planner.models import PlannerSettings
from peersupport.planner.plan import (
    Department,
    EncounterHistory,
    Plan,
    PlanInput,
    Recruit,
    RoleHistory,
    make_plan,
    nurse_supporters_needed,
    recruit_from,
    site_minimum,
)
from peersupport.program.models import ProgramSettings
from peersupport.roster.models import Person, PersonQuerySet, RoleType, SupporterStatus

HISTORY_DAYS = 365
PHYSICIANS = (RoleType.PHYSICIAN, RoleType.RESIDENT, RoleType.FELLOW)

# Whom to serve: each choice adds to the one before it.
CHOICES: dict[str, tuple[str | Promise, tuple[str, ...]]] = {
    "physicians": (gettext_lazy("Physicians only (with residents and fellows)"), PHYSICIANS),
    "apps": (gettext_lazy("Physicians and advanced practice providers"), (*PHYSICIANS, RoleType.APP)),
    "nurses": (gettext_lazy("Physicians, advanced practice providers and nurses"),
               (*PHYSICIANS, RoleType.APP, RoleType.NURSE)),
    "care_team": (gettext_lazy("The whole care team"), tuple(RoleType.values)),
}
ROLE_LABELS: dict[str, str | Promise] = dict(RoleType.choices)


@dataclass(frozen=True)
class Choice:
    serve: str
    site: str  # "" for every site

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(str(role) for role in CHOICES[self.serve][1])

    @property
    def label(self) -> str:
        return str(CHOICES[self.serve][0])


@dataclass(frozen=True)
class GrowToNurses:
    nurses: int
    nurse_supporters_needed: int
    nurse_supporters_now: int
    departments: list[Recruit]

    @property
    def more(self) -> int:
        return max(0, self.nurse_supporters_needed - self.nurse_supporters_now)


@dataclass(frozen=True)
class Planning:
    choice: Choice
    plan: Plan
    has_history_year: bool
    grow_to_nurses: GrowToNurses | None
    gaps: list[Finding]


def sites(program_id: int) -> list[str]:
    """The sites the program's people work at, for the choice (one query over the site index)."""
    rows = (Person.objects.filter(program_id=program_id, active=True).exclude(site="").order_by("site")
            .values_list("site", flat=True))
    return list(rows.distinct())


def people_in(choice: Choice, program_id: int) -> PersonQuerySet:
    """The program's active people in the chosen roles (and site)."""
    people = Person.objects.filter(program_id=program_id, active=True, role_type__in=choice.roles)
    return people.filter(site=choice.site) if choice.site else people


def active_supporters(program_id: int) -> PersonQuerySet:
    return Person.objects.filter(program_id=program_id, active=True, supporter__status=SupporterStatus.ACTIVE)


def _by_role(people: PersonQuerySet) -> dict[str, int]:
    return dict(people.order_by().values("role_type").annotate(n=Count("pk")).values_list("role_type", "n"))


def history_year(now: datetime, program_id: int) -> bool:
    """Whether the program's first case is at least a year old."""
    first = Case.objects.filter(program_id=program_id).aggregate(first=Min("created_at"))["first"]
    return first is not None and first <= now - timedelta(days=HISTORY_DAYS)


def role_history(now: datetime, program_id: int) -> dict[str, RoleHistory]:
    """The program's distinct clinicians referred in the last 12 months, by their role, beside its
    active people in each role (every site). A purged case no longer names its peer, so it counts for
    no role: with the default retention of a year, no case of the last 12 months is purged."""
    since = now - timedelta(days=HISTORY_DAYS)
    referred = dict(
        Case.objects.filter(program_id=program_id, created_at__gte=since, peer__isnull=False).order_by()
        .values("peer__role_type").annotate(n=Count("peer", distinct=True)).values_list("peer__role_type", "n"))
    people = _by_role(Person.objects.filter(program_id=program_id, active=True))
    return {role: RoleHistory(referred=referred.get(role, 0), people=people.get(role, 0))
            for role in set(referred) | set(people)}


def encounter_history(now: datetime, program_id: int) -> EncounterHistory:
    since = now - timedelta(days=HISTORY_DAYS)
    closed = Case.objects.filter(program_id=program_id, state=CaseState.CLOSED, closed_at__gte=since)
    totals = Encounter.objects.filter(case__in=closed).aggregate(n=Count("pk"), minutes=Sum("minutes"))
    return EncounterHistory(closed_cases=closed.count(), encounters=totals["n"] or 0, minutes=totals["minutes"] or 0)


def plan_input(choice: Choice, program: ProgramSettings, settings: PlannerSettings, now: datetime) -> PlanInput:
    program_id = settings.program_id
    population = _by_role(people_in(choice, program_id))
    has_year = history_year(now, program_id)
    return PlanInput(
        population={role: population.get(role, 0) for role in choice.roles},
        assumptions=settings.assumptions(),
        case_limit=program.default_case_limit,
        threshold=program.small_count_threshold,
        history=role_history(now, program_id) if has_year else None,
        encounters=encounter_history(now, program_id) if has_year else None,
        supporters_now=active_supporters(program_id).count(),
    )


def nurse_departments(choice: Choice, program_id: int) -> list[Department]:
    """The program's departments of the chosen sites with nurses in them: nurses and active nurse
    supporters."""
    nurses = Person.objects.filter(program_id=program_id, active=True, role_type=RoleType.NURSE).exclude(department="")
    if choice.site:
        nurses = nurses.filter(site=choice.site)
    rows = (nurses.order_by().values("department")
            .annotate(n=Count("pk"), supporters=Count("pk", filter=Q(supporter__status=SupporterStatus.ACTIVE)))
            .values_list("department", "n", "supporters"))
    return [Department(name=name, nurses=n, nurse_supporters=supporters) for name, n, supporters in rows]


def grow_to_nurses(plan: Plan, choice: Choice, settings: PlannerSettings, program: ProgramSettings) -> GrowToNurses:
    """Nurse supporters enough for the nurses' own referrals (a nurse for a nurse), and the
    departments to ask for the ones still missing."""
    line = next(line for line in plan.lines if line.role == RoleType.NURSE)
    program_id = settings.program_id
    departments_by_site = (people_in(choice, program_id).filter(role_type=RoleType.NURSE).exclude(site="").order_by()
                           .values("site").annotate(n=Count("department", distinct=True)).values_list("n", flat=True))
    minimum = site_minimum(list(departments_by_site), exclude_same_department=program.exclude_same_department)
    needed = nurse_supporters_needed(line.referrals, settings.assumptions(), program.default_case_limit, minimum)
    now = active_supporters(program_id).filter(role_type=RoleType.NURSE)
    if choice.site:
        now = now.filter(site=choice.site)
    have = now.count()
    return GrowToNurses(nurses=line.people, nurse_supporters_needed=needed, nurse_supporters_now=have,
                        departments=recruit_from(nurse_departments(choice, program_id), needed - have))


def population_groups(choice: Choice, program_id: int) -> list[PopulationGroup]:
    rows = (people_in(choice, program_id).order_by().values("site", "role_type", "specialty", "interventional")
            .annotate(n=Count("pk")).values_list("site", "role_type", "specialty", "interventional", "n"))
    return [PopulationGroup(site=site, role_type=role_type, specialty=specialty, interventional=interventional,
                            people=n) for site, role_type, specialty, interventional, n in rows]


def coverage_gaps(choice: Choice, program: ProgramSettings) -> list[Finding]:
    """Kinds of peer of the chosen population (role, interventional, specialty group), site by
    site, for whom no supporter of the same kind can take a case today
    (`composition.coverage.hard_to_match`)."""
    return hard_to_match(population_groups(choice, program.program_id or 0), active_supporter_facts(program),
                         rules_for(program), fewer_than=1)


def planning(choice: Choice, *, program_id: int, with_team_detail: bool, now: datetime | None = None) -> Planning:
    """The plan for one program (its id): its people, its history, its team and its assumptions."""
    now = now or timezone.now()
    program = ProgramSettings.for_program(program_id)
    settings = PlannerSettings.for_program(program_id)
    data = plan_input(choice, program, settings, now)
    plan = make_plan(data)
    nurses = (grow_to_nurses(plan, choice, settings, program)
              if with_team_detail and RoleType.NURSE in choice.roles else None)
    return Planning(choice=choice, plan=plan, has_history_year=data.history is not None, grow_to_nurses=nurses,
                    gaps=coverage_gaps(choice, program) if with_team_detail else [])


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def site_choices(names: Sequence[str]) -> list[tuple[str, str]]:
    return [("", gettext("Every site")), *((name, name) for name in names)]
