"""A health system's worth of data, built deterministically from a seed, for measuring at scale.

`generate_health_system` (the management command) calls `generate()`. Everything is written
with `bulk_create` in batches, never one service call per row, yet the data keep the program's
own rules: referral sentences pass the intake check (a fixed list of ordinary event sentences),
each case's supporter, state and dates agree, every assigned case has its Assignment row,
conversations use the guide's topics, cases closed before the retention cutoff are purged as the
purge job would leave them, and the audit rows are inserted in time order and then sealed
into the hash chain as the sealing step would (so `verify_audit` passes afterwards).
"""

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from peersupport.accounts.models import Role, User
from peersupport.audit.chain import seal_pending
from peersupport.audit.models import AuditEntry
from peersupport.cases.models import (
    Assignment,
    Case,
    CaseState,
    Encounter,
    EncounterMode,
    GuideTopic,
    OutreachAttempt,
    OutreachChannel,
    Response,
    ResponseRecord,
)
from peersupport.cases.retention import to_month
from peersupport.matching.models import matching_version_bump
from peersupport.matching.specialties import SPECIALTIES
from peersupport.program.models import Program, ProgramSettings
from peersupport.referrals.models import Category, Referral, Source
from peersupport.resources.models import Resource, ResourceCategory
from peersupport.roster.models import Experience, Person, RoleType, Supporter, SupporterStatus

BATCH = 5000
# Generated logins cannot sign in with a password (an operator gives one with `add_user`).
UNUSABLE = make_password(None)
DOMAIN = "health.example"

SITE_NAMES = (
    "Northside General Hospital", "Lakeview Medical Center", "St. Brendan's Hospital",
    "Eastgate Community Hospital", "Valley Children's Hospital", "Harborview University Hospital",
    "Westfield Regional Hospital", "Cedar Hills Hospital", "Southbank Medical Center",
    "Mill Creek Hospital", "Pinecrest Hospital", "Riverbend Rehabilitation Hospital",
)
FIRST = (
    "Alex", "Amara", "Ana", "Ben", "Chen", "Dana", "David", "Elena", "Farah", "Grace", "Hiro",
    "Imani", "Jonas", "Kai", "Lena", "Malik", "Maria", "Noah", "Olu", "Priya", "Quinn", "Rosa",
    "Sam", "Tariq", "Uma", "Vera", "Wen", "Yara", "Zoe", "Omar", "Leah", "Ivan", "Nadia", "Ravi",
)
LAST = (
    "Adams", "Baker", "Castillo", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
    "Kowalski", "Lindqvist", "Mensah", "Nguyen", "Okafor", "Patel", "Quinn", "Rossi", "Schmidt",
    "Tanaka", "Usman", "Varga", "Walsh", "Xu", "Yilmaz", "Zhang", "Moreau", "Costa", "Hughes",
)
# (role type, weight): a hospital workforce, nurses and physicians first.
ROLE_WEIGHTS = (
    (RoleType.NURSE, 38), (RoleType.PHYSICIAN, 22), (RoleType.RESIDENT, 12), (RoleType.FELLOW, 3),
    (RoleType.APP, 8), (RoleType.PHARMACIST, 4), (RoleType.THERAPIST, 6), (RoleType.OTHER, 7),
)
# Supporter states: most active, a few in every other state.
SUPPORTER_WEIGHTS = (
    (SupporterStatus.ACTIVE, 78), (SupporterStatus.NOMINATED, 5), (SupporterStatus.IN_TRAINING, 6),
    (SupporterStatus.PAUSED, 6), (SupporterStatus.RETIRED, 5),
)
CATEGORY_WEIGHTS = (
    (Category.ADVERSE_OUTCOME, 34), (Category.MEDICAL_ERROR, 22), (Category.PATIENT_DEATH, 22),
    (Category.PATIENT_AGGRESSION, 12), (Category.LITIGATION, 4), (Category.OTHER, 6),
)
SOURCE_WEIGHTS = (
    (Source.SAFETY_REPORT, 40), (Source.LEADER, 25), (Source.COLLEAGUE, 20), (Source.SELF, 10),
    (Source.SAFETY_REPORT_OPT_IN, 5),
)
# Ordinary event sentences, one per category: no patient details (they pass the intake check).
SENTENCES: dict[str, tuple[str, ...]] = {
    Category.ADVERSE_OUTCOME: (
        "A routine procedure ended with an unexpected complication and a transfer to intensive care.",
        "A patient deteriorated quickly on the ward despite timely treatment.",
        "An expected recovery after surgery did not happen and a second operation was needed.",
    ),
    Category.MEDICAL_ERROR: (
        "A medication was given at the wrong time and the patient needed extra monitoring.",
        "A test result was missed for some days before it was acted on.",
        "The wrong side was prepared for a procedure and the error was caught late.",
    ),
    Category.PATIENT_DEATH: (
        "A young patient died unexpectedly after a long resuscitation attempt.",
        "A patient died in the emergency department shortly after arrival.",
        "A patient the team knew well died suddenly overnight.",
    ),
    Category.PATIENT_AGGRESSION: (
        "A visitor threatened staff on the unit and security was called.",
        "A clinician was struck by a confused patient during a night shift.",
    ),
    Category.LITIGATION: (
        "A claim was filed about care given on the unit last year.",
        "A clinician was asked to give a deposition about a past case.",
    ),
    Category.OTHER: (
        "A difficult conversation with a family left the team shaken.",
        "A colleague's sudden illness affected the whole department.",
    ),
}
RESOURCES = (
    ("Employee Assistance Program", ResourceCategory.COUNSELING),
    ("Mindfulness and stress reduction course", ResourceCategory.STRESS_REDUCTION),
    ("Risk management office", ResourceCategory.MEDICOLEGAL),
    ("Disclosure coaching service", ResourceCategory.DISCLOSURE_COACHING),
    ("Occupational health service", ResourceCategory.TIME_OFF),
    ("Around-the-clock crisis line", ResourceCategory.CRISIS),
    ("Chaplaincy and spiritual care", ResourceCategory.OTHER),
)
TOPICS = [topic.value for topic in GuideTopic]
# The last days hold open cases; older cases are closed (most of them after a conversation).
OPEN_WINDOW_DAYS = 21
EVERY_STATE = [state.value for state in CaseState]


@dataclass
class Built:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, int], ...]) -> Any:
    values = [value for value, _ in pairs]
    weights = [weight for _, weight in pairs]
    return rng.choices(values, weights)[0]


def database_is_empty() -> bool:
    return not Person.objects.exists()


def generate(*, staff: int, supporters: int, years: int, seed: int,
             now: datetime | None = None) -> Built:
    """Build the program; the caller checks that the database is empty first."""
    started = time.monotonic()
    rng = random.Random(seed)  # the same data set for a seed; nothing secret is drawn  # nosec B311
    now = now or timezone.now()
    with transaction.atomic():
        built = _generate(rng, staff=staff, supporters=supporters, years=years, now=now)
    matching_version_bump()
    built.seconds = time.monotonic() - started
    return built


def _generate(rng: random.Random, *, staff: int, supporters: int, years: int, now: datetime) -> Built:
    counts: Counter[str] = Counter()
    sites = SITE_NAMES[: max(3, min(len(SITE_NAMES), staff // 8000))]
    # Specialties in realistic proportions: a few large ones, a long tail.
    specialty_weights = [1.0 / (1 + index * 0.15) for index in range(len(SPECIALTIES))]
    department_of = {name: f"{name} Department" for name in SPECIALTIES}

    # Heads of each site's departments first (they supervise everyone else there).
    heads: dict[tuple[str, str], Person] = {}
    for site in sites:
        for specialty in SPECIALTIES:
            heads[(site, specialty)] = _person(rng, len(heads), site=site, specialty=specialty,
                                               department=department_of[specialty],
                                               role_type=RoleType.PHYSICIAN, rank=5)
    head_list = list(heads.values())[:staff]
    Person.objects.bulk_create(head_list, batch_size=BATCH)
    people: list[Person] = list(head_list)
    batch: list[Person] = []
    for index in range(len(head_list), staff):
        site = rng.choice(sites)
        specialty = rng.choices(SPECIALTIES, specialty_weights)[0]
        head = heads[(site, specialty)]
        person = _person(rng, index, site=site, specialty=specialty, department=department_of[specialty],
                         role_type=_weighted(rng, ROLE_WEIGHTS), rank=rng.choice((1, 2, 2, 3, 3, 3, 4)))
        person.supervisor_id = head.pk
        batch.append(person)
        if len(batch) >= BATCH:
            Person.objects.bulk_create(batch)
            people.extend(batch)
            batch = []
    Person.objects.bulk_create(batch)
    people.extend(batch)
    counts["people"] = len(people)
    counts["sites"] = len(sites)

    # Program logins: a director, an administrator, referrers, the safety-reporting system.
    director = User.objects.create(username=f"director@{DOMAIN}", email=f"director@{DOMAIN}",
                                   role=Role.DIRECTOR, password=UNUSABLE)
    User.objects.create(username=f"admin@{DOMAIN}", email=f"admin@{DOMAIN}", role=Role.ADMINISTRATOR,
                        password=UNUSABLE)
    referrers = [
        User(username=f"referrer{i}@{DOMAIN}", email=f"referrer{i}@{DOMAIN}", role=Role.REFERRER, password=UNUSABLE)
        for i in range(max(3, len(sites) * 4))
    ]
    User.objects.bulk_create(referrers)
    referrers.append(User.objects.create(username=f"safety-system@{DOMAIN}", email=f"safety-system@{DOMAIN}",
                                         role=Role.INTEGRATION, password=UNUSABLE))
    referrers.append(director)

    # Supporters, in every state; the active ones carry the cases.
    pool = people[len(head_list):] or people
    chosen = rng.sample(pool, min(supporters, len(pool)))
    states = [_weighted(rng, SUPPORTER_WEIGHTS) for _ in chosen]
    for index, status in enumerate(list(SupporterStatus)[: len(states)]):
        states[index] = status  # the first few cover every state, however small the program
    supporter_rows: list[Supporter] = []
    for person, status in zip(chosen, states, strict=True):
        trained = status in (SupporterStatus.ACTIVE, SupporterStatus.PAUSED, SupporterStatus.RETIRED)
        supporter_rows.append(Supporter(
            person=person,
            status=status,
            capacity=rng.choice((1, 2, 2, 3, 3, 4)) if trained else None,
            trained_on=(now - timedelta(days=rng.randint(30, 365 * years + 365))).date() if trained else None,
            experience=sorted(rng.sample([e.value for e in Experience], rng.randint(0, 3))),
            paused_until=(now + timedelta(days=rng.randint(7, 90))).date()
            if status == SupporterStatus.PAUSED else None,
            on_call=status == SupporterStatus.ACTIVE and rng.random() < 0.05,
        ))
    Supporter.objects.bulk_create(supporter_rows, batch_size=BATCH)
    logins = [
        User(username=s.person.email, email=s.person.email, role=Role.SUPPORTER, person=s.person, password=UNUSABLE)
        for s in supporter_rows if s.status != SupporterStatus.NOMINATED
    ]
    User.objects.bulk_create(logins, batch_size=BATCH)
    login_of = {user.person_id: user for user in logins if user.person_id is not None}
    counts["supporters"] = len(supporter_rows)
    for status in SupporterStatus:
        counts[f"supporters {status.value}"] = sum(1 for s in supporter_rows if s.status == status)

    first_program = Program.default()
    resources = Resource.objects.bulk_create(
        [Resource(program=first_program, name=name, category=category, contact=f"Extension {4100 + i}")
         for i, (name, category) in enumerate(RESOURCES)]
    )
    counts["resources"] = len(resources)

    active = [s for s in supporter_rows if s.status == SupporterStatus.ACTIVE] or supporter_rows
    retention_days = ProgramSettings.current().retention_days
    cutoff = now - timedelta(days=retention_days)
    _history(rng, counts, people=people, supporters=active, login_of=login_of, referrers=referrers,
             director=director, years=years, now=now, cutoff=cutoff, staff=staff)
    return Built(counts=dict(counts))


def _person(rng: random.Random, index: int, *, site: str, specialty: str, department: str,
            role_type: str, rank: int) -> Person:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return Person(
        employee_id=f"H{index:07d}",
        name=f"{first} {last}",
        email=f"{first.lower()}.{last.lower()}.{index}@{DOMAIN}",
        phone=f"+1 555 {index:07d}",
        role_type=role_type,
        specialty=specialty,
        department=department,
        rank=rank,
        interventional=rng.random() < 0.25,
        site=site,
        gender=rng.choice(("female", "male", "female", "male", "")),
    )


def _history(rng: random.Random, counts: Counter[str], *, people: list[Person], supporters: list[Supporter],
             login_of: dict[int, User], referrers: list[User], director: User, years: int, now: datetime,
             cutoff: datetime, staff: int) -> None:
    # About 3 referrals a year for every 100 staff (each of 1 to 3 clinicians), at least enough
    # recent ones to show every case state.
    per_year = max(12, staff * 3 // 100)
    total = per_year * years
    start = now - timedelta(days=365 * years)
    span = (now - start).total_seconds()
    received = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(total))
    recent_from = now - timedelta(days=OPEN_WINDOW_DAYS)
    # Make sure the open window holds enough referrals for every state to appear.
    while sum(1 for r in received if r >= recent_from) < len(EVERY_STATE):
        received.append(now - timedelta(hours=rng.randint(1, OPEN_WINDOW_DAYS * 24 - 1)))
        received.sort()

    referral_rows: list[Referral] = []
    involved: list[list[Person]] = []
    for at in received:
        category = _weighted(rng, CATEGORY_WEIGHTS)
        source = _weighted(rng, SOURCE_WEIGHTS)
        peers = rng.sample(people, rng.choices((1, 2, 3), (70, 20, 10))[0])
        referral_rows.append(Referral(
            category=category,
            occurred_on=(at - timedelta(days=rng.randint(0, 3))).date(),
            summary=rng.choice(SENTENCES[category]),
            interventional=any(p.interventional for p in peers),
            external_ref=f"SR-{rng.randint(1000, 99999)}" if source == Source.SAFETY_REPORT else "",
            source=source,
            referred_by=rng.choice(referrers),
            received_at=at,
            involved_count=len(peers),
        ))
        involved.append(peers)
    Referral.objects.bulk_create(referral_rows, batch_size=BATCH)
    counts["referrals"] = len(referral_rows)

    load: Counter[int] = Counter()  # open cases per supporter, kept under each one's capacity
    # Each case is its peer's program's (the people were written with their site's program).
    default_program = Program.default().pk
    cases: list[Case] = []
    plans: list[dict[str, Any]] = []
    recent_index = 0
    for referral, peers in zip(referral_rows, involved, strict=True):
        for peer in peers:
            at = referral.received_at
            if at >= recent_from:
                state = EVERY_STATE[recent_index % len(EVERY_STATE)]
                recent_index += 1
            else:
                state = CaseState.CLOSED
            supporter = None
            if state != CaseState.AWAITING_ASSIGNMENT:
                supporter = _pick_supporter(rng, supporters, load, holding=state in (
                    CaseState.ASSIGNED, CaseState.OUTREACH_MADE, CaseState.ACCEPTED))
                if supporter is None:
                    state = CaseState.AWAITING_ASSIGNMENT
            case = Case(referral=referral, peer=peer, program_id=peer.program_id or default_program, state=state,
                        supporter=supporter, created_at=at)
            plan: dict[str, Any] = {"case": case, "actor": director}
            if supporter is not None:
                case.assigned_at = min(now, at + timedelta(minutes=rng.randint(20, 230)))
                plan["actor"] = login_of.get(supporter.person_id, director)
            outreach = state != CaseState.ASSIGNED and supporter is not None
            if outreach and case.assigned_at is not None:
                plan["outreach_at"] = min(now, case.assigned_at + timedelta(hours=rng.randint(1, 20)))
            # Closed cases: most were accepted and talked, some declined, a few unreachable.
            outcome = state
            if state == CaseState.CLOSED:
                outcome = rng.choices(
                    (CaseState.ACCEPTED, CaseState.DECLINED, CaseState.UNREACHABLE), (70, 22, 8))[0]
            plan["outcome"] = outcome
            if outcome in (CaseState.ACCEPTED, CaseState.DECLINED) and "outreach_at" in plan:
                case.responded_at = min(now, plan["outreach_at"] + timedelta(hours=rng.randint(1, 48)))
            if state == CaseState.CLOSED:
                case.closed_at = min(now, (case.responded_at or plan.get("outreach_at") or at) + timedelta(
                    days=rng.randint(7, 45)))
            due: dict[str, datetime] = {
                CaseState.AWAITING_ASSIGNMENT: at + timedelta(hours=4),
                CaseState.ASSIGNED: (case.assigned_at or at) + timedelta(hours=24),
                CaseState.OUTREACH_MADE: plan.get("outreach_at", at) + timedelta(days=3),
                CaseState.ACCEPTED: (case.responded_at or at) + timedelta(days=14),
            }
            case.next_due_at = due.get(state)
            case.snapshot_peer(peer)
            if case.assigned_at is not None:
                case.minutes_to_assignment = case.minutes_since_opened(case.assigned_at)
            if "outreach_at" in plan:
                case.minutes_to_first_outreach = case.minutes_since_opened(plan["outreach_at"])
            cases.append(case)
            plans.append(plan)
    Case.objects.bulk_create(cases, batch_size=BATCH)
    counts["cases"] = len(cases)
    for state in CaseState:
        counts[f"cases {state.value}"] = sum(1 for c in cases if c.state == state)

    assignments: list[Assignment] = []
    outreaches: list[OutreachAttempt] = []
    responses: list[ResponseRecord] = []
    encounters: list[Encounter] = []
    audit: list[AuditEntry] = []

    def log(at: datetime, actor: User | None, action: str, object_type: str, object_id: int,
            detail: dict[str, Any] | None = None) -> None:
        audit.append(AuditEntry(at=at, actor=actor, actor_label=actor.email if actor else "", action=action,
                                object_type=object_type, object_id=str(object_id), via="web" if actor else "",
                                detail=detail or {}))

    for referral in referral_rows:
        log(referral.received_at, referral.referred_by, "referral.create", "referral", referral.pk)
    purged_referrals: Counter[int] = Counter()
    for plan in plans:
        case = plan["case"]
        actor: User = plan["actor"]
        purge = case.closed_at is not None and case.closed_at < cutoff
        log(case.created_at, case.referral.referred_by, "case.create", "case", case.pk)
        if case.supporter is not None and case.assigned_at is not None:
            assignments.append(Assignment(case=case, supporter=case.supporter, assigned_by=director,
                                          assigned_at=case.assigned_at, rank=rng.randint(1, 3),
                                          reasons=[] if purge else ["same specialty family", "has capacity"]))
            log(case.assigned_at, director, "case.assigned", "case", case.pk,
                {"supporter": case.supporter.pk})
            opened = min(now, case.assigned_at + timedelta(minutes=rng.randint(5, 600)))
            log(opened, actor, "case.view", "case", case.pk)
        if "outreach_at" in plan:
            outreaches.append(OutreachAttempt(case=case, supporter=case.supporter, made_at=plan["outreach_at"],
                                              channel=rng.choice([c.value for c in OutreachChannel])))
            log(plan["outreach_at"], actor, "case.outreach_recorded", "case", case.pk)
        if case.responded_at is not None:
            answer = Response.ACCEPTED if plan["outcome"] == CaseState.ACCEPTED else Response.DECLINED
            responses.append(ResponseRecord(case=case, response=answer, recorded_at=case.responded_at,
                                            recorded_by=actor))
            log(case.responded_at, actor, "case.response_recorded", "case", case.pk,
                {"response": answer.value})
            if plan["outcome"] == CaseState.ACCEPTED:
                for number in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
                    held = case.responded_at + timedelta(days=1 + number * rng.randint(5, 14))
                    if held > now or (case.closed_at is not None and held > case.closed_at):
                        break
                    encounters.append(Encounter(
                        case=case, held_on=held.date(), minutes=rng.choice((20, 30, 30, 45, 60)),
                        mode=rng.choice([m.value for m in EncounterMode]),
                        topics=sorted(rng.sample(TOPICS, rng.randint(2, 5)), key=TOPICS.index),
                        follow_up_planned=number == 0, recorded_at=held, recorded_by=actor))
                    log(held, actor, "case.encounter_recorded", "case", case.pk)
        if plan["outcome"] == CaseState.UNREACHABLE and "outreach_at" in plan:
            given_up = min(now, case.closed_at or now, plan["outreach_at"] + timedelta(days=7))
            log(given_up, actor, "case.unreachable", "case", case.pk)
        if case.closed_at is not None:
            log(case.closed_at, actor, "case.closed", "case", case.pk)
        if purge:
            purged_referrals[case.referral.pk] += 1
            log(max(case.closed_at + timedelta(days=1), cutoff), None, "case.purged", "case", case.pk)
    counts["encounters"] = len(encounters)

    # Purge what the retention job would have purged by now: dates by month, no peer.
    to_purge = {id(plan["case"]) for plan in plans
                if plan["case"].closed_at is not None and plan["case"].closed_at < cutoff}
    for case in cases:
        if id(case) in to_purge:
            for name in ("created_at", "assigned_at", "closed_at", "responded_at"):
                setattr(case, name, to_month(getattr(case, name)))
            case.peer = None
            case.next_due_at = None
            case.purged_at = max(case.closed_at or cutoff, cutoff)
            case.version += 1
    purged_cases = [case for case in cases if id(case) in to_purge]
    Case.objects.bulk_update(purged_cases, ["created_at", "assigned_at", "closed_at", "responded_at", "peer",
                                            "next_due_at", "purged_at", "version"], batch_size=1000)
    counts["cases purged"] = len(purged_cases)
    for record in assignments:
        if id(record.case) in to_purge:
            record.assigned_at = to_month(record.assigned_at)  # type: ignore[assignment]  # a datetime in, a datetime out
    for row in outreaches:
        if id(row.case) in to_purge:
            row.made_at = to_month(row.made_at)  # type: ignore[assignment]  # a datetime in, a datetime out
    for record_of_answer in responses:
        if id(record_of_answer.case) in to_purge:
            record_of_answer.recorded_at = to_month(record_of_answer.recorded_at)  # type: ignore[assignment]  # a datetime in, a datetime out
    for encounter in encounters:
        if id(encounter.case) in to_purge:
            encounter.held_on = to_month(encounter.held_on)  # type: ignore[assignment]  # a date in, a date out
            encounter.recorded_at = to_month(encounter.recorded_at)  # type: ignore[assignment]  # a datetime in, a datetime out
    whole = [r for r in referral_rows if purged_referrals[r.pk] == r.involved_count]
    for referral in whole:
        referral.occurred_on = to_month(referral.occurred_on)  # type: ignore[assignment]  # a date in, a date out
        referral.summary = ""
        referral.external_ref = ""
        referral.preferences = {}
        referral.purged_at = cutoff
    Referral.objects.bulk_update(whole, ["occurred_on", "summary", "external_ref", "preferences", "purged_at"],
                                 batch_size=1000)
    for referral in whole:
        log(cutoff, None, "referral.purged", "referral", referral.pk)
    counts["referrals purged"] = len(whole)

    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    OutreachAttempt.objects.bulk_create(outreaches, batch_size=BATCH)
    ResponseRecord.objects.bulk_create(responses, batch_size=BATCH)
    Encounter.objects.bulk_create(encounters, batch_size=BATCH)
    counts["assignments"] = len(assignments)
    audit.sort(key=lambda entry: entry.at)
    for begin in range(0, len(audit), BATCH):
        AuditEntry.objects.bulk_create(audit[begin:begin + BATCH])
    seal_pending(AuditEntry.objects.db, batch_size=10_000)
    counts["audit entries"] = len(audit)


def _pick_supporter(rng: random.Random, supporters: list[Supporter], load: Counter[int],
                    *, holding: bool) -> Supporter | None:
    """A supporter for a case; for one still held, one with room under their case limit."""
    if not supporters:
        return None
    for _ in range(20):
        supporter = rng.choice(supporters)
        if not holding:
            return supporter
        if load[supporter.pk] < (supporter.capacity or 0):
            load[supporter.pk] += 1
            return supporter
    return None


def first_rows() -> dict[str, Any]:
    """A fingerprint of what was built (for the determinism test)."""
    return {
        "people": list(Person.objects.order_by("pk").values_list("employee_id", "name", "specialty", "site")[:5]),
        "supporters": list(Supporter.objects.order_by("pk").values_list("person__employee_id", "status")[:5]),
        "referrals": list(Referral.objects.order_by("pk").values_list("category", "summary")[:5]),
        "cases": list(Case.objects.order_by("-pk").values_list("state", "peer__employee_id")[:5]),
    }
