"""The demo's earlier years: enough closed cases, month by month, that the reports show real
figures (and, where a group is small, "<11").

Written straight to the tables, as the retention purge would have left them: cases closed
longer ago than the program keeps details have no peer, no referral sentence and dates on the
first of their month; later ones name a clinician who has no other case in the demo.
"""

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.utils import timezone

from peersupport.cases.models import (
    Case,
    CaseState,
    Encounter,
    OutreachAttempt,
    OutreachChannel,
    ResourceShare,
    Response,
    ResponseRecord,
)
from peersupport.program.models import Program, ProgramSettings
from peersupport.referrals.models import Category, Referral, Source
from peersupport.reports.models import DeckSettings
from peersupport.reports.periods import Kind, Period, month_of
from peersupport.reports.tables import FAMILIES, TABLES, table_result
from peersupport.resources.models import Resource
from peersupport.roster.models import Person, Supporter, SupporterStatus

YEARS = 5
DEMO_OTHER_COSTS_PER_YEAR = 65_000
# The demo's own stories cover the last few months.
STOP_MONTHS_AGO = 5
CATEGORY_WEIGHTS = {
    Category.ADVERSE_OUTCOME: 30, Category.PATIENT_DEATH: 25, Category.MEDICAL_ERROR: 20,
    Category.PATIENT_AGGRESSION: 12, Category.OTHER: 8, Category.LITIGATION: 5,
}
OUTCOME_WEIGHTS = {Response.ACCEPTED: 58, Response.DECLINED: 24, Response.NO_RESPONSE: 18}
CHANNELS = [OutreachChannel.TEXT, OutreachChannel.CALL, OutreachChannel.EMAIL]
SOURCES = [Source.SAFETY_REPORT, Source.COLLEAGUE, Source.LEADER, Source.SELF]
# Adverse events and their second victims gather where care is acute: a clinician there is this
# many times as likely to be referred as one elsewhere (so that the reports by department show
# real figures for those departments, and "<11" for the quiet ones).
ACUTE_DEPARTMENTS = {"Emergency Medicine": 8, "Critical Care": 8, "Surgery": 5,
                     "Obstetrics and Gynecology": 6, "Anesthesiology": 5}


def _at(month: Period, day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime(month.start.year, month.start.month, min(day, 28), hour))


def demo_deck(hospital: str) -> None:
    """The demo's case-for-support deck carries the hospital's name on its title slide."""
    # The demo's other costs: a half-time coordinator, the supporters' training days, materials.
    DeckSettings.objects.update_or_create(program=Program.default(), defaults={
        "program_name": f"{hospital} Peer Support Program", "other_costs_per_year": DEMO_OTHER_COSTS_PER_YEAR})


def demo_reports(*, seed: int, now: datetime, exclude_employee_ids: set[str]) -> int:
    """Five years of closed cases before the demo's stories; returns how many."""
    rng = random.Random(seed + 11)  # nosec B311 - demo data, nothing secret
    # The report facts (role, department, site, minutes to each step) from a second stream, so
    # that the cases and outcomes stay what they were.
    facts = random.Random(seed + 12)  # nosec B311 - demo data, nothing secret
    program = ProgramSettings.current()
    cutoff = now - timedelta(days=program.retention_days)
    supporters = list(Supporter.objects.filter(status=SupporterStatus.ACTIVE).order_by("pk"))
    resources = list(Resource.objects.filter(active=True).order_by("pk"))
    free_people = iter(Person.objects.filter(active=True, cases__isnull=True)
                       .exclude(employee_id__in=exclude_employee_ids).order_by("pk"))
    # Whom a purged case was about, as far as the reports know: someone like the roster's people.
    roster_facts = list(Person.objects.filter(active=True).order_by("pk")
                        .values_list("role_type", "department", "site"))
    acuity = [ACUTE_DEPARTMENTS.get(department, 1) for _, department, _ in roster_facts]
    first = Period(date(month_of(now.date()).start.year - YEARS, month_of(now.date()).start.month, 1), Kind.MONTH)
    last = month_of(now.date())
    for _ in range(STOP_MONTHS_AGO):
        last = last.previous()
    created = 0
    month = first
    while month.start <= last.start:
        # A program that grows: more referrals each year.
        years_in = (month.start.year - first.start.year)
        for _ in range(rng.randint(6 + 2 * years_in, 12 + 3 * years_in)):
            created += _one_case(rng, month, cutoff, supporters, resources, free_people,
                                 facts, roster_facts, acuity)
        month = month.next()
    # Work out every year's suppression now (kept in the database), so the first visit to the
    # reports is as quick as the next.
    # One table of each family works out the whole family (its tables are suppressed together).
    this_year = Period(date(now.year, 1, 1), Kind.YEAR)
    for family in FAMILIES:
        table_result(next(t for t in TABLES.values() if t.family == family), this_year)
    return created


def _one_case(rng: random.Random, month: Period, cutoff: datetime, supporters: list[Supporter],
              resources: list[Resource], free_people: Iterator[Person], facts: random.Random,
              roster_facts: list[tuple[str, str, str]], acuity: list[int]) -> int:
    received = _at(month, rng.randint(1, 26), rng.randint(7, 20))
    answer = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
    closed = received + timedelta(days=rng.randint(5, 30))
    purged = closed < cutoff
    peer = None if purged else next(free_people, None)
    if not purged and peer is None:
        return 0
    if purged:
        received_on_month = _at(month, 1, 0)
        dates = {"created_at": received_on_month, "assigned_at": received_on_month,
                 "closed_at": timezone.make_aware(datetime(closed.year, closed.month, 1)),
                 "responded_at": received_on_month}
    else:
        # Whole hours from the first stream, minutes from the second (the outcomes stay the same).
        assigned = received + timedelta(hours=rng.randint(1, 6) - 1, minutes=facts.randint(10, 69))
        dates = {"created_at": received, "assigned_at": assigned,
                 "closed_at": closed, "responded_at": received + timedelta(days=rng.randint(1, 4))}
    category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    referral = Referral.objects.create(
        category=category, occurred_on=(dates["created_at"] - timedelta(days=1)).date().replace(day=1)
        if purged else (received - timedelta(days=1)).date(),
        summary="" if purged else "A hard shift after an unexpected outcome.",
        source=rng.choice(SOURCES), received_at=received, involved_count=1,
        purged_at=closed if purged else None,
    )
    role, department, site = ((peer.role_type, peer.department, peer.site) if peer is not None
                              else facts.choices(roster_facts, acuity)[0] if roster_facts else ("", "", ""))
    to_assignment = (int((dates["assigned_at"] - received).total_seconds() // 60) if not purged
                     else facts.randint(20, 6 * 60))
    # Most first outreach within the day; some take longer.
    to_outreach = to_assignment + int(facts.choice([45, 90, 180, 360, 600, 900, 1400, 2200]) * facts.uniform(0.6, 1.2))
    if not purged:  # before the peer's answer
        to_outreach = min(to_outreach, int((dates["responded_at"] - received).total_seconds() // 60))
    case = Case.objects.create(
        referral=referral, peer=peer, state=CaseState.CLOSED,
        supporter=rng.choice(supporters) if supporters else None,
        purged_at=closed if purged else None, peer_role=role, peer_department=department, peer_site=site,
        minutes_to_assignment=to_assignment, minutes_to_first_outreach=to_outreach, **dates,
    )
    OutreachAttempt.objects.create(
        case=case, supporter=case.supporter, channel=rng.choice(CHANNELS),
        made_at=dates["assigned_at"] if purged else received + timedelta(minutes=to_outreach),
    )
    ResponseRecord.objects.create(case=case, response=answer, recorded_at=dates["responded_at"])
    if answer == Response.ACCEPTED:
        for k in range(rng.randint(1, 3)):
            held = dates["responded_at"] + timedelta(days=3 * k)
            Encounter.objects.create(
                case=case, held_on=held.date().replace(day=1) if purged else held.date(),
                minutes=rng.choice([20, 30, 30, 45, 60]), mode=rng.choice(["phone", "in_person", "video"]),
                follow_up_planned=k == 0, recorded_at=held,
            )
        if resources and rng.random() < 0.5:
            ResourceShare.objects.create(case=case, resource=rng.choice(resources),
                                         facilitated=rng.random() < 0.3, shared_at=dates["responded_at"])
    return 1
