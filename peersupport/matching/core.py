"""The matching core: plain Python over plain data, no ORM.

Hard rules filter, preferences score, every suggestion explains itself. The joint plan for a
referral with many involved clinicians maximises the sum of the suggestion scores subject to
each supporter's remaining case limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime


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


@dataclass(frozen=True)
class CaseFacts:
    case_id: int
    peer: PersonFacts
    category: str
    interventional: bool
    # Everyone involved in the same event (their person ids), the peer included.
    involved_person_ids: frozenset[int] = frozenset()
    # A self-referral's stated wishes: {"gender": ..., "specialty": ..., "role_type": ...}.
    preferences: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    now: datetime
    weights: Mapping[str, float]
    exclude_same_department: bool = True
    # True once the program serves more than physicians: then "same professional role" counts.
    whole_care_team: bool = False


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


def hard_rule_violations(case: CaseFacts, supporter: SupporterFacts, rules: Rules) -> list[str]:
    """Every hard rule this supporter breaks for this case, in words; empty if eligible."""
    raise NotImplementedError


def suggest(
    case: CaseFacts, supporters: Sequence[SupporterFacts], rules: Rules
) -> list[Suggestion]:
    """Eligible supporters for one case, best first, each with its reasons."""
    raise NotImplementedError


def plan(
    cases: Sequence[CaseFacts], supporters: Sequence[SupporterFacts], rules: Rules
) -> dict[int, Suggestion]:
    """The best joint assignment: case_id -> the chosen suggestion.

    Maximises the sum of scores over all cases, each supporter taking at most their remaining
    slots (case_limit - open_cases). A case with no eligible supporter left is absent.
    """
    raise NotImplementedError
