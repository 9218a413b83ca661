"""The demo's second hospital: Lakeside Community Hospital, a program of its own in the same
health system as Riverside General Hospital.

Small on purpose: a roster of a few departments at one site, a team of six trained supporters,
its own director, administrator and a supporter login, and two open cases (one waiting in its
director's queue, one with its supporter). Everything goes through the same services as the web
pages and the API, so Riverside's staff see none of it and Lakeside's see nothing of Riverside.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from peersupport.accounts.models import Role, User
from peersupport.accounts.services import user_add
from peersupport.cases.models import Case
from peersupport.cases.services import case_assign
from peersupport.demo import data
from peersupport.feedback.demo import demo_feedback
from peersupport.matching.selectors import suggestions_for_case
from peersupport.planner.demo import demo_planner
from peersupport.program.models import Program
from peersupport.program.services import program_create, program_site_set
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.reports.models import DeckSettings
from peersupport.roster.models import Person, Supporter
from peersupport.roster.services import PersonInput, SupporterInput, person_upsert, supporter_upsert
from peersupport.training.models import Attendance, CourseKind

HOSPITAL = "Lakeside Community Hospital"
SHORT_NAME = "lakeside"
SITE = "Lakeside Campus"
# The first program of the demo: Riverside's, whose sites are Main and North Campus.
FIRST_SHORT_NAME = "riverside"
# Logins: the same domain (one health system), named for the hospital.
DIRECTOR_EMAIL = f"lakeside-director@{data.DOMAIN}"
ADMIN_EMAIL = f"lakeside-admin@{data.DOMAIN}"
SUPPORTER_EMAIL = f"lakeside-supporter1@{data.DOMAIN}"
# (department, specialty, physicians)
DEPARTMENTS = (
    ("Emergency Medicine", "Emergency Medicine", 10),
    ("Medicine", "Internal Medicine", 12),
    ("Surgery", "General Surgery", 8),
    ("Pediatrics", "Pediatrics", 6),
)
SUPPORTERS = 6


@dataclass
class SecondHospital:
    program: Program
    logins: list[User]
    people: int
    cases: int


def demo_first_program() -> Program:
    """Riverside's program: the installation's first (default) one, named for the hospital."""
    program = Program.default()
    Program.objects.filter(pk=program.pk).update(name=f"{data.HOSPITAL} Peer Support", short_name=FIRST_SHORT_NAME)
    program.refresh_from_db()
    for site in (data.MAIN, data.NORTH):
        program_site_set(site=site, program=program)
    return program


def demo_second_hospital(rng: random.Random, now: datetime, taken_names: set[str]) -> SecondHospital:
    program = program_create(name=f"{HOSPITAL} Peer Support", short_name=SHORT_NAME)
    program_site_set(site=SITE, program=program)
    people = _roster(rng, taken_names)
    supporters = _team(rng, people, now)
    director_person = next(p for p in people if p.rank == 5 and p.department == "Medicine")
    director, _ = user_add(email=DIRECTOR_EMAIL, role=Role.DIRECTOR, employee_id=director_person.employee_id,
                           program_short_name=SHORT_NAME)
    admin, _ = user_add(email=ADMIN_EMAIL, role=Role.ADMINISTRATOR, program_short_name=SHORT_NAME)
    team_ids = {s.person_id for s in supporters} | {director_person.pk}
    peers = [p for p in people if p.pk not in team_ids and p.rank < 5]
    waiting = _refer(director, peers[0], "patient_death", "An unexpected death after a fall on the ward.", now)
    held = _refer(director, peers[1], "patient_aggression", "A patient threatened staff in the emergency department.",
                  now)
    [best, *_] = suggestions_for_case(held)
    case_assign(actor=director, case_id=held.pk, supporter_employee_id=best.employee_id)
    supporter_login, _ = user_add(email=SUPPORTER_EMAIL, role=Role.SUPPORTER, employee_id=best.employee_id,
                                  program_short_name=SHORT_NAME)
    # Lakeside's supporter with a login agrees to be suggested to Riverside's peers who ask for
    # someone from outside their hospital (cross-program matching), as on their own page.
    shared = Supporter.objects.get(person__employee_id=best.employee_id)
    shared.shared_across_programs = True
    shared.save(update_fields=["shared_across_programs"])
    del waiting  # waits in the Lakeside director's queue
    _leadership(program, director, now)
    return SecondHospital(program=program, logins=[director, admin, supporter_login], people=len(people), cases=2)


def _roster(rng: random.Random, taken_names: set[str]) -> list[Person]:
    people: list[Person] = []
    n = 0
    for department, specialty, physicians in DEPARTMENTS:
        head = None
        for i in range(physicians):
            rank = 5 if i == 0 else rng.choice([2, 3, 3, 4])
            person = _person(rng, n, taken_names, department=department, specialty=specialty, rank=rank,
                             supervisor=head)
            head = head or person
            people.append(person)
            n += 1
    return people


def _person(rng: random.Random, n: int, taken_names: set[str], *, department: str, specialty: str, rank: int,
            supervisor: Person | None) -> Person:
    while True:
        first, gender = rng.choice(data.FIRST_NAMES)
        name = f"{first} {rng.choice(data.LAST_NAMES)}"
        if name not in taken_names:
            taken_names.add(name)
            break
    local = name.lower().replace(" ", ".").replace("'", "")
    person, _ = person_upsert(actor=None, employee_id=f"L{2001 + n}", data=PersonInput(
        name=name, email=f"{local}.lakeside@{data.DOMAIN}", phone=f"+1 218 555 02{n:02d}",
        role_type="physician", specialty=specialty, department=department, rank=rank,
        supervisor_employee_id=supervisor.employee_id if supervisor else None, site=SITE, gender=gender))
    return person


def _team(rng: random.Random, people: list[Person], now: datetime) -> list[Supporter]:
    today = timezone.localdate(now)
    pool = [p for p in people if p.rank in (3, 4)]
    chosen = rng.sample(pool, SUPPORTERS)
    team = []
    for person in chosen:
        trained_on = today - timedelta(days=rng.randint(60, 400))
        # Trained before the program's records began: a legacy record of the initial training.
        Attendance.objects.create(person=person, kind=CourseKind.INITIAL, completed=True, legacy=True,
                                  trained_on=trained_on)
        supporter, _ = supporter_upsert(actor=None, employee_id=person.employee_id, data=SupporterInput(
            status="active", capacity=2, trained_on=trained_on, experience=(), paused_until=None, on_call=False))
        team.append(supporter)
    return team


def _refer(director: User, peer: Person, category: str, summary: str, now: datetime) -> Case:
    referral, _ = referral_create(referred_by=director, data=ReferralInput(
        category=category, occurred_on=timezone.localdate(now) - timedelta(days=1), summary=summary,
        involved_employee_ids=[peer.employee_id], source="leader"))
    return Case.objects.get(referral=referral)


# Lakeside's own figures for leadership: its planner assumptions, a year of its peers' feedback
# (a few answers a month, so its report shows "<11" where Riverside's shows counts) and its deck.
LAKESIDE_FEEDBACK_PER_MONTH = 3
LAKESIDE_OTHER_COSTS_PER_YEAR = 12_000


def _leadership(program: Program, director: User, now: datetime) -> None:
    demo_planner(director=director)
    demo_feedback(seed=data.SEED + 2, now=now, program_id=program.pk, per_month=LAKESIDE_FEEDBACK_PER_MONTH)
    DeckSettings.objects.update_or_create(program=program, defaults={
        "program_name": f"{HOSPITAL} Peer Support Program", "other_costs_per_year": LAKESIDE_OTHER_COSTS_PER_YEAR})
