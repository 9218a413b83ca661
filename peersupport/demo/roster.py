"""The demo hospital's people: departments of clinicians with their chiefs, and the team of
supporters drawn from them. Part of the demo (see `peersupport.demo.services`); deterministic given
the random generator it is handed.
"""

import random
import unicodedata
from datetime import datetime, timedelta

from django.utils import timezone

from peersupport.demo import data
from peersupport.roster.models import Experience, Person, Supporter
from peersupport.roster.services import PersonInput, SupporterInput, person_upsert, supporter_upsert
from peersupport.training.demo import demo_initial_training


class Roster:
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

    def reserve(self, employee_id: str) -> Person:
        """Keep this person out of every story (the demo names them for something else)."""
        for person in self.people:
            if person.employee_id == employee_id:
                self.taken.add(person.pk)
                return person
        raise LookupError(f"The demo roster has no {employee_id}.")

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


def make_supporters(rng: random.Random, roster: Roster, now: datetime) -> list[Supporter]:
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
        trained_on = today - timedelta(days=days_since_training) if trained else None
        if status in ("active", "paused"):  # the team's training records (peersupport/training/demo.py)
            trained_on = demo_initial_training(person, index=i, now=now)
        supporter, _ = supporter_upsert(
            actor=None,
            employee_id=person.employee_id,
            data=SupporterInput(
                status=status,
                capacity=rng.choice([None, 1, 2, 2, 3]),
                trained_on=trained_on,
                experience=tuple(rng.sample(experiences, rng.randint(1, 3))) if trained else (),
                paused_until=today + timedelta(days=rng.randint(14, 60))
                if status == "paused" else None,
                on_call=status == "active" and i % 7 == 0,
            ),
        )
        supporters.append(supporter)
    return supporters
