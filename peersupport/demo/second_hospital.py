"""The demo's second hospital: Lakeside Community Hospital, a program of its own in the same
health system as Riverside General Hospital.

Small on purpose: a roster of a few departments at one site, a team of six trained supporters,
its own director, administrator and a supporter login, two open cases (one waiting in its
director's queue, one with its supporter), and its own team life: a supporter meeting, an on-call
rota of two teams, a refresher course with a session coming up, and training rules of its own.
Everything goes through the same services as the web pages and the API, so Riverside's staff
see none of it and Lakeside's see nothing of Riverside.
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
from peersupport.meetings.services import MeetingInput, meeting_schedule
from peersupport.planner.demo import demo_planner
from peersupport.program.models import Program
from peersupport.program.services import program_create, program_site_set
from peersupport.publicity.demo import demo_publicity
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.reports.models import DeckSettings
from peersupport.resources.services import ResourceInput, resource_create
from peersupport.roster.models import Person, Supporter
from peersupport.roster.services import PersonInput, SupporterInput, person_upsert, supporter_upsert
from peersupport.team.services import on_call_team_save, on_call_week_set
from peersupport.training.models import Attendance, CourseKind
from peersupport.training.services import (
    CourseInput,
    SessionInput,
    TrainingSettingsInput,
    course_save,
    session_save,
    training_settings_update,
)

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
# Lakeside's own resource directory: its own services (fictional numbers), and the national lines
# every program lists (real: 988 is the United States' crisis line).
RESOURCES: tuple[tuple[str, str, str, str], ...] = (
    ("Lakeside Employee Assistance Program", "counseling", "+1 218 555 0180 · eap@lakeside.example",
     "Free, confidential counseling for Lakeside staff and their families, with a first call within a day."),
    ("Lakeside Staff Crisis Line", "crisis", "+1 218 555 0181 (any hour)",
     "A mental health nurse from the Lakeside behavioral health team answers staff at any hour."),
    ("988 Suicide & Crisis Lifeline", "crisis", "Call or text 988",
     "Free, confidential support in the United States for anyone in distress, at any hour."),
    ("Lakeside Risk Management Office", "medicolegal", "+1 218 555 0183",
     "Answers questions about event reports, statements and what happens next."),
    ("Lakeside Medical Staff Office", "time_off", "+1 218 555 0184",
     "Arranges shift cover and short leave after a hard event, without asking for the reason."),
)
# Lakeside's publicity: (place, days ago), and its event reviews.
PUBLICITY_TICKS = [("Grand rounds", 130), ("Newsletters", 40)]
PUBLICITY_EVENT_REVIEWS_DAYS_AGO = [20]


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
    for name, category, contact, description in RESOURCES:
        resource_create(actor=admin, program_id=program.pk, data=ResourceInput(
            name=name, category=category, contact=contact, description=description))
    demo_publicity(director=director, administrator=admin, now=now, ticks=PUBLICITY_TICKS,
                   event_review_days_ago=PUBLICITY_EVENT_REVIEWS_DAYS_AGO)
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
    _team_life(director, supporters, now)
    _leadership(program, director, now)
    return SecondHospital(program=program, logins=[director, admin, supporter_login], people=len(people), cases=2)


def _team_life(director: User, supporters: list[Supporter], now: datetime) -> None:
    """Lakeside's own team life, apart from Riverside's: its supporter meeting, its on-call rota,
    its refresher course with a session coming up, and its own training rules."""
    today = timezone.localdate(now)
    starts_at = timezone.localtime(now + timedelta(days=10)).replace(hour=12, minute=0, second=0, microsecond=0)
    meeting_schedule(actor=director, now=now, data=MeetingInput(
        title="Lakeside supporter lunch", starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
        place="Lakeside Medical Center, library"))
    half = len(supporters) // 2
    teams = [on_call_team_save(actor=director, name=name, supporter_ids=[s.pk for s in members])
             for name, members in (("Lakeside A", supporters[:half]), ("Lakeside B", supporters[half:]))]
    monday = today - timedelta(days=today.weekday())
    for week in range(4):
        on_call_week_set(actor=director, starts_on=monday + timedelta(weeks=week), team_id=teams[week % 2].pk)
    training_settings_update(actor=director, data=TrainingSettingsInput(
        refresher_months=24, notice_days=45, pause_when_overdue=False))
    course = course_save(actor=director, data=CourseInput(
        name="Lakeside refresher: the first call", kind=CourseKind.REFRESHER,
        summary="Ninety minutes: making the first call to a colleague, practiced in pairs."))
    session_save(actor=director, course=course, data=SessionInput(
        starts_at=timezone.localtime(now + timedelta(days=30)).replace(hour=15, minute=0, second=0, microsecond=0),
        minutes=90, place="Lakeside Medical Center, room 3"))


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
