"""A realistic demo program: Riverside General Hospital, its roster, team, resources and cases.

Deterministic (one seeded random generator), loaded once into an empty program by
`manage.py load_demo`. The roster, supporters, logins, referrals and assignments go through the
same services the web pages and the API use, so the audit trail, the outbox and the matching
see exactly what they would see in real use.

Two things are done directly, and why:
- The demo's history is written now and then moved back in time (received, assigned and closed
  times), so the queue shows due and overdue work and the past cases look past. The audit trail
  is never rewritten: it truthfully says that the demo loader wrote these rows, and when.
- Steps without a service of their own yet (outreach, response, close) are set on the case
  directly, each with an audit row that says so.

The demo sends no email: every outbox row it writes (the directors' new-referral notices, the
supporters' assignment notices) describes something that "happened" before the demo existed,
to invented `.example` addresses. Those rows are marked sent in the loading transaction, so the
delivery tasks queued when it commits find nothing to do, and a worker started later does not
mail the demo's history. Anything done in the running demo is mailed as usual.
"""

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from peersupport.accounts.models import Role, User
from peersupport.accounts.services import api_token_issue, user_add
from peersupport.audit.services import audit_record
from peersupport.cases.models import HOLDING_STATES, Assignment, Case, CaseState
from peersupport.cases.services import case_assign
from peersupport.lib import demo_data as data
from peersupport.matching.selectors import suggestions_for_case
from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.program.models import ProgramSettings
from peersupport.referrals.models import Referral
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.resources.models import Resource
from peersupport.roster.models import Experience, Person, Supporter, SupporterStatus
from peersupport.roster.services import PersonInput, SupporterInput, person_upsert, supporter_upsert

DIRECTOR_EMAIL = f"director@{data.DOMAIN}"
SUPPORTER_LOGINS = 3


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    who: str


@dataclass
class DemoResult:
    logins: list[DemoLogin] = field(default_factory=list)
    api_token: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def demo_is_loaded() -> bool:
    return User.objects.filter(email__iexact=DIRECTOR_EMAIL).exists()


def database_holds_only_demo() -> bool:
    """True when every login and roster entry is the demo's, so wiping it loses nothing real."""
    suffix = "@" + data.DOMAIN
    return (
        not User.objects.exclude(email__iendswith=suffix).exists()
        and not Person.objects.exclude(email__iendswith=suffix).exists()
    )


def demo_load(now: datetime | None = None) -> DemoResult:
    """Load the whole demo in one transaction (all or nothing)."""
    now = now or timezone.now()
    rng = random.Random(data.SEED)
    with transaction.atomic():
        first_outbox_pk = OutboxMessage.objects.aggregate(top=Max("pk"))["top"] or 0
        ProgramSettings.current()
        roster = _Roster(rng)
        roster.build()
        supporters = _make_supporters(rng, roster, now)
        _make_resources()
        users = _make_users(roster)
        for story in sorted(data.STORIES, key=lambda s: -s.hours_ago):
            _play(story, users, roster, now)
        # See the module docstring: the demo's history is not mailed.
        OutboxMessage.objects.filter(pk__gt=first_outbox_pk, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.SENT, sent_at=F("created_at")
        )
        supporter_users = _make_supporter_logins(supporters)
        token = api_token_issue(email=f"integration@{data.DOMAIN}")
    result = DemoResult(logins=demo_logins(), api_token=token)
    result.counts = {
        "people": Person.objects.count(),
        "supporters": Supporter.objects.count(),
        "active supporters": Supporter.objects.filter(status=SupporterStatus.ACTIVE).count(),
        "resources": Resource.objects.count(),
        "referrals": Referral.objects.count(),
        "open cases": Case.objects.open().count(),
        "closed cases": Case.objects.filter(state=CaseState.CLOSED).count(),
        "supporter logins": len(supporter_users),
    }
    return result


def demo_logins() -> list[DemoLogin]:
    """The demo's logins, in the order a visitor would try them."""
    order = [Role.DIRECTOR, Role.ADMINISTRATOR, Role.SUPPORTER, Role.REFERRER, Role.CLINICIAN,
             Role.LEADER, Role.INTEGRATION]
    users = User.objects.filter(email__iendswith="@" + data.DOMAIN).select_related(
        "person__supporter"
    )
    users = sorted(users, key=lambda u: (order.index(u.role), u.email))
    return [DemoLogin(u.email, u.get_role_display(), _describe(u)) for u in users]


def _describe(user: User) -> str:
    fixed = {
        Role.ADMINISTRATOR: "Program office",
        Role.REFERRER: "Patient Safety Office",
        Role.LEADER: "Chief Medical Officer (reports only)",
        Role.INTEGRATION: "Safety-reporting system (API)",
    }
    if user.role in fixed:
        return fixed[user.role]
    person = user.person
    if person is None:
        return ""
    text = f"{person.name}, {person.specialty}"
    if user.role == Role.SUPPORTER:
        held = Case.objects.filter(supporter__person=person, state__in=HOLDING_STATES).count()
        text += f", {held} open case{'s' if held != 1 else ''}"
    return text


class _Roster:
    """Generates the hospital's people department by department, chiefs first."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.emails: set[str] = set()
        self.people: list[Person] = []
        self.chiefs: set[int] = set()
        self.taken: set[int] = set()  # people the demo has already given a part

    def build(self) -> None:
        for department in data.DEPARTMENTS:
            self._department(department)

    def pick(self, department: str, role_type: str = "physician", specialty: str = "",
             exclude_supporters: bool = True) -> Person:
        """A not-yet-used person of this kind (never a chief), the same one on every load."""
        for person in self.people:
            if (
                person.department == department
                and person.role_type == role_type
                and (not specialty or person.specialty == specialty)
                and person.pk not in self.chiefs
                and person.pk not in self.taken
                and not (exclude_supporters and hasattr(person, "supporter"))
            ):
                self.taken.add(person.pk)
                return person
        raise LookupError(f"The demo roster has no free {role_type} in {department}.")

    def _department(self, d: data.Department) -> None:
        rng = self.rng
        weights = [w for _, w, _ in d.specialties]

        def specialty() -> tuple[str, float]:
            name, _, chance = rng.choices(d.specialties, weights=weights)[0]
            return name, chance

        def site() -> str:
            return data.NORTH if rng.random() < d.north_share else data.MAIN

        head: Person | None = None
        if d.attendings:
            main, _, chance = d.specialties[0]
            head = self._add(d.name, "physician", main, 5, chance > 0, None, data.MAIN)
            for _ in range(d.attendings - 1):
                name, chance = specialty()
                rank = rng.choices([2, 3, 4], weights=[2, 4.5, 3.5])[0]
                self._add(d.name, "physician", name, rank, rng.random() < chance, head, site())
            main_name, _, main_chance = d.specialties[0]
            for _ in range(d.residents):
                self._add(d.name, "resident", main_name, 1, rng.random() < main_chance, head,
                          site())
            for _ in range(d.fellows):
                name, chance = specialty()
                self._add(d.name, "fellow", name, 2, rng.random() < chance, head, data.MAIN)
            for _ in range(d.apps):
                name, chance = specialty()
                rank = rng.choice([2, 3, 3, 4])
                self._add(d.name, "app", name, rank, rng.random() < chance, head, site())
        if d.nurses:
            manager = self._add(d.name, "nurse", d.nursing_specialty, 4, False, head, data.MAIN,
                                female_share=0.8)
            for _ in range(d.nurses - 1):
                rank = rng.choices([2, 3, 4], weights=[4, 5, 1])[0]
                self._add(d.name, "nurse", d.nursing_specialty, rank, False, manager, site(),
                          female_share=0.8)
        if d.staff:
            lead = head or self._add(d.name, d.staff_role, d.staff_specialty, 5, False, None,
                                     data.MAIN)
            for _ in range(d.staff - (0 if head else 1)):
                rank = rng.choice([2, 3, 3, 4])
                self._add(d.name, d.staff_role, d.staff_specialty, rank, False, lead, site())

    def _add(self, department: str, role_type: str, specialty: str, rank: int,
             interventional: bool, supervisor: Person | None, site: str,
             female_share: float = 0.5) -> Person:
        first, last, gender = self._name(female_share)
        n = len(self.people)
        area, line = data.AREA_CODES[n // 100], n % 100
        person, _ = person_upsert(
            actor=None,
            employee_id=f"E{1001 + n}",
            data=PersonInput(
                name=f"{first} {last}",
                email=self._email(first, last),
                phone=f"+1 {area} 555 01{line:02d}",
                role_type=role_type,
                specialty=specialty,
                department=department,
                rank=rank,
                interventional=interventional,
                supervisor_employee_id=supervisor.employee_id if supervisor else None,
                site=site,
                gender=gender,
            ),
        )
        self.people.append(person)
        if rank == 5:
            self.chiefs.add(person.pk)
        return person

    def _name(self, female_share: float) -> tuple[str, str, str]:
        rng = self.rng
        while True:
            roll = rng.random()
            if roll < 0.03:
                wanted = "non-binary"
            else:
                wanted = "female" if roll < 0.03 + female_share * 0.97 else "male"
            first = rng.choice([f for f, g in data.FIRST_NAMES if g == wanted])
            last = rng.choice(data.LAST_NAMES)
            if f"{first} {last}" not in self.names:
                self.names.add(f"{first} {last}")
                return first, last, wanted

    def _email(self, first: str, last: str) -> str:
        def slug(text: str) -> str:
            ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
            return "".join(c for c in ascii_text.lower() if c.isalnum() or c == "-")

        base = f"{slug(first)}.{slug(last)}"
        email, n = f"{base}@{data.DOMAIN}", 2
        while email in self.emails:
            email, n = f"{base}{n}@{data.DOMAIN}", n + 1
        self.emails.add(email)
        return email


def _make_supporters(rng: random.Random, roster: _Roster, now: datetime) -> list[Supporter]:
    """About 35 supporters from many departments and roles, in every state of the program."""
    today = timezone.localdate(now)
    by_department: dict[str, list[Person]] = {}
    for person in roster.people:
        if person.role_type == "physician" and person.rank in (3, 4):
            by_department.setdefault(person.department, []).append(person)
    chosen: list[Person] = []
    for people in by_department.values():
        chosen += rng.sample(people, min(2, len(people)))
    for role_type, count in (("nurse", 4), ("app", 3), ("pharmacist", 1)):
        pool = [p for p in roster.people if p.role_type == role_type and p.rank >= 3
                and p.pk not in roster.chiefs]
        chosen += rng.sample(pool, count)
    statuses = (["active"] * 24 + ["paused"] * 3 + ["in_training"] * 3 + ["nominated"] * 4
                + ["retired"] * 2)
    rng.shuffle(chosen)
    chosen = chosen[: len(statuses)]
    experiences = [e for e in Experience.values if e != Experience.OTHER]
    supporters = []
    for i, (person, status) in enumerate(zip(chosen, statuses, strict=False)):
        trained = status in ("active", "paused", "retired")
        days_since_training = rng.randint(1100, 1800) if status == "retired" else rng.randint(45, 900)
        supporter, _ = supporter_upsert(
            actor=None,
            employee_id=person.employee_id,
            data=SupporterInput(
                status=status,
                capacity=rng.choice([None, 1, 2, 2, 3]),
                trained_on=today - timedelta(days=days_since_training) if trained else None,
                experience=tuple(rng.sample(experiences, rng.randint(1, 3))) if trained else (),
                paused_until=today + timedelta(days=rng.randint(14, 60))
                if status == "paused" else None,
                on_call=status == "active" and i % 7 == 0,
            ),
        )
        supporters.append(supporter)
    return supporters


def _make_resources() -> None:
    for name, category, contact, description in data.RESOURCES:
        Resource.objects.create(name=name, category=category, contact=contact,
                                description=description)


def _make_users(roster: _Roster) -> dict[str, User]:
    director = roster.pick("Family Medicine")
    clinician = roster.pick("Pediatrics")
    accounts = {
        "director": (Role.DIRECTOR, director.employee_id),
        "admin": (Role.ADMINISTRATOR, None),
        "safety": (Role.REFERRER, None),
        "clinician": (Role.CLINICIAN, clinician.employee_id),
        "leader": (Role.LEADER, None),
        "integration": (Role.INTEGRATION, None),
    }
    users = {}
    for local, (role, employee_id) in accounts.items():
        users[local], _ = user_add(email=f"{local}@{data.DOMAIN}", role=role,
                                   employee_id=employee_id, password=data.PASSWORD)
    users["referrer"] = users["safety"]
    return users


def _make_supporter_logins(supporters: list[Supporter]) -> list[User]:
    """Logins for the supporters holding the demo's open cases (then other active ones)."""
    holding = list(
        Supporter.objects.filter(cases__state__in=HOLDING_STATES)
        .order_by("cases__assigned_at").values_list("pk", flat=True)
    )
    active = [s.pk for s in supporters if s.status == SupporterStatus.ACTIVE]
    chosen = list(dict.fromkeys(holding + active))[:SUPPORTER_LOGINS]
    employee_ids = dict(Supporter.objects.filter(pk__in=chosen).values_list("pk", "person__employee_id"))
    return [
        user_add(email=f"supporter{i}@{data.DOMAIN}", role=Role.SUPPORTER,
                 employee_id=employee_ids[pk], password=data.PASSWORD)[0]
        for i, pk in enumerate(chosen, start=1)
    ]


def _play(story: data.Story, users: dict[str, User], roster: _Roster, now: datetime) -> None:
    """Refer, assign and close as the story says, then move it back to when it happened."""
    program = ProgramSettings.current()
    received = now - timedelta(hours=story.hours_ago)
    by = users[story.by]
    if story.source == "self":
        peers = [by.person]
    else:
        peers = [roster.pick(i.department, i.role_type, i.specialty) for i in story.involved]
    watermark = OutboxMessage.objects.aggregate(top=Max("pk"))["top"] or 0
    referral, _ = referral_create(
        referred_by=by,
        data=ReferralInput(
            category=story.category,
            occurred_on=timezone.localdate(received) - timedelta(days=1),
            summary=story.summary,
            involved_employee_ids=[p.employee_id for p in peers],
            source=story.source,
            interventional=story.interventional,
            external_ref=story.external_ref,
            preferences=dict(story.preferences),
        ),
        idempotency_key=f"demo-{story.external_ref}" if story.by == "integration" else None,
    )
    Referral.objects.filter(pk=referral.pk).update(received_at=received)
    Case.objects.filter(referral=referral).update(
        created_at=received, next_due_at=received + timedelta(hours=program.assignment_due_hours)
    )
    _backdate_outbox(watermark, received)
    if story.assigned_after_hours is None:
        return

    assigned = received + timedelta(hours=story.assigned_after_hours)
    cases = list(Case.objects.filter(referral=referral).order_by("pk").select_related("peer"))
    for case, involved in zip(cases, story.involved, strict=True):
        watermark = OutboxMessage.objects.aggregate(top=Max("pk"))["top"] or 0
        [best, *_] = suggestions_for_case(case, program)
        case_assign(actor=users["director"], case_id=case.pk,
                    supporter_employee_id=best.employee_id)
        Case.objects.filter(pk=case.pk).update(
            assigned_at=assigned,
            next_due_at=assigned + timedelta(hours=program.first_outreach_due_hours),
        )
        Assignment.objects.filter(case=case).update(assigned_at=assigned)
        Supporter.objects.filter(person__employee_id=best.employee_id).update(
            last_assigned_at=assigned
        )
        _backdate_outbox(watermark, assigned)
        if involved.state != CaseState.ASSIGNED:
            _set_state(case.pk, involved, received, story)


def _set_state(case_id: int, involved: data.Involved, received: datetime, story: data.Story) -> None:
    """Outreach, response and close have no service yet: set the state, and audit that we did."""
    fields: dict = {"state": involved.state, "next_due_at": None}
    if involved.state == CaseState.CLOSED:
        fields["closed_at"] = received + timedelta(days=story.closed_after_days or 7)
    case = Case.objects.get(pk=case_id)
    Case.objects.filter(pk=case_id).update(version=case.version + 1, **fields)
    audit_record(actor=None, action="demo.case_state", obj=case,
                 detail={"state": involved.state, "outcome": involved.outcome})


def _backdate_outbox(after_pk: int, when: datetime) -> None:
    OutboxMessage.objects.filter(pk__gt=after_pk).update(created_at=when, next_attempt_at=when)
