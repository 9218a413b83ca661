"""The plain facts the matching core works on: dataclasses in, suggestions out, no ORM.

`selectors.py` builds these from the database; tests and the benchmark build them by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

# The one supporter status that may take cases (roster.models.SupporterStatus.ACTIVE).
ACTIVE = "active"


@dataclass(frozen=True)
class PersonFacts:
    person_id: int
    employee_id: str
    name: str
    role_type: str
    specialty: str = ""
    department: str = ""
    rank: int = 3
    interventional: bool = False
    supervisor_id: int | None = None
    site: str = ""
    gender: str = ""
    active: bool = True
    # The person's program (hospital): a supporter is suggested within their own program.
    program_id: int | None = None


@dataclass(frozen=True)
class SupporterFacts:
    person: PersonFacts
    status: str  # nominated, in_training, active, paused, retired
    trained_on: date | None
    case_limit: int
    open_cases: int
    paused_until: date | None = None
    last_assigned_at: datetime | None = None
    experience: frozenset[str] = frozenset()
    on_call: bool = False
    # The supporter agreed to be suggested to the other programs of the installation
    # (`Supporter.shared_across_programs`): cross-program matching.
    shared: bool = False


@dataclass(frozen=True)
class CaseFacts:
    case_id: int
    peer: PersonFacts
    category: str
    interventional: bool
    # Everyone involved in the same event (their person ids), the peer included.
    involved_person_ids: frozenset[int] = frozenset()
    # Supporters (person ids) who handed this case back; they are not asked again.
    declined_by_person_ids: frozenset[int] = frozenset()
    # A self-referral's stated wishes: {"gender": ..., "specialty": ..., "role_type": ...}.
    preferences: Mapping[str, str] = field(default_factory=dict)
    # Continuity: supporters (person ids) of the peer's other open or recent cases, and of the
    # case this one re-engages, each with that case's id (the latest if several).
    previous_supporter_cases: Mapping[int, int] = field(default_factory=dict)
    # Supporters (person ids) already on another case of the same referral, with that case's
    # id: a colleague from the same event (see `Rules.one_peer_per_supporter_per_event`).
    same_event_supporters: Mapping[int, int] = field(default_factory=dict)
    # Supporters are peers too. When the peer is on the team themself, their close colleagues
    # there are not suggested (`core.close_colleague_checks`): the same department at the same
    # site, and the members of the peer's on-call teams (these person ids).
    peer_is_supporter: bool = False
    peer_team_mates: frozenset[int] = frozenset()
    # The case's program: a supporter of another program (shared, when the peer asked for someone
    # from outside their hospital) is said to be so among the reasons.
    program_id: int | None = None


@dataclass(frozen=True)
class Rules:
    now: datetime
    weights: Mapping[str, float]
    exclude_same_department: bool = True
    # True once the program serves more than physicians: then "same professional role" counts.
    whole_care_team: bool = False
    # A supporter takes at most one peer of the same referral: colleagues from one event may
    # not want to share a supporter, and the load spreads. Not a hard rule: the director may
    # override it case by case, with a recorded reason. The program's default, as here, is on.
    one_peer_per_supporter_per_event: bool = True


@dataclass(frozen=True)
class Suggestion:
    case_id: int
    supporter: SupporterFacts
    score: float
    reasons: tuple[str, ...]

    @property
    def employee_id(self) -> str:
        return self.supporter.person.employee_id

    @property
    def name(self) -> str:
        return self.supporter.person.name


def folded(text: str | None) -> str:
    """Roster text compared the way people mean it: "Surgery" and "surgery " are the same."""
    return (text or "").strip().casefold()


def remaining_slots(supporter: SupporterFacts) -> int:
    return supporter.case_limit - supporter.open_cases


def is_paused(supporter: SupporterFacts, today: date) -> bool:
    # The pause runs through its last day: paused until the 3rd means not before the 4th.
    return supporter.paused_until is not None and supporter.paused_until >= today


def days_since(now: datetime, then: datetime) -> int:
    """Whole days from `then` to `now`, never negative (a clock a little ahead is not news)."""
    if (now.tzinfo is None) != (then.tzinfo is None):
        # Hand-built facts may mix naive and aware times; read a naive one in now's zone.
        then = then.replace(tzinfo=now.tzinfo)
    return max((now - then).days, 0)


def fairness_key(supporter: SupporterFacts) -> tuple[int, float, str]:
    """Between equal scores, the fairer pick first: fewer open cases, then the longest since
    the last assignment (never assigned counts as longest), then employee id so that equal
    supporters always come out in the same order."""
    last = supporter.last_assigned_at
    if last is None:
        when = float("-inf")
    else:
        # A timestamp sorts naive and aware times together; naive ones are read as UTC.
        when = (last if last.tzinfo is not None else last.replace(tzinfo=UTC)).timestamp()
    return (supporter.open_cases, when, supporter.person.employee_id)
