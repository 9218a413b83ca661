"""Small factories for the matching facts: a neutral default, overridden per test."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from peersupport.matching.core import CaseFacts, PersonFacts, Rules, SupporterFacts

NOW = datetime(2025, 6, 2, 12, 0)
TODAY = NOW.date()
TRAINED = date(2024, 3, 1)

# Every weight 1 except load and recency, which are 0 so a single preference's points are
# the whole score unless a test turns them on.
WEIGHTS: dict[str, float] = {
    "specialty": 1.0,
    "related_specialty": 1.0,
    "rank": 1.0,
    "interventional": 1.0,
    "role": 1.0,
    "experience": 1.0,
    "preference": 1.0,
    "load": 0.0,
    "recency": 0.0,
    "on_call": 1.0,
    "other_site": 1.0,
}

_ids = itertools.count(1)


def person(**fields: Any) -> PersonFacts:
    person_id = fields.pop("person_id", next(_ids))
    defaults: dict[str, Any] = {
        "person_id": person_id,
        "employee_id": f"E{person_id:05d}",
        "name": f"Person {person_id}",
        "role_type": "physician",
    }
    return PersonFacts(**(defaults | fields))


def supporter(who: PersonFacts | None = None, **fields: Any) -> SupporterFacts:
    defaults: dict[str, Any] = {
        "person": who or person(),
        "status": "active",
        "trained_on": TRAINED,
        "case_limit": 2,
        "open_cases": 0,
    }
    return SupporterFacts(**(defaults | fields))


def case(peer: PersonFacts | None = None, **fields: Any) -> CaseFacts:
    peer = peer or person()
    defaults: dict[str, Any] = {
        "case_id": next(_ids),
        "peer": peer,
        "category": "other",
        "interventional": False,
        "involved_person_ids": frozenset({peer.person_id}),
    }
    return CaseFacts(**(defaults | fields))


def rules(weights: Mapping[str, float] | None = None, **fields: Any) -> Rules:
    merged = WEIGHTS | dict(weights or {})
    return Rules(**({"now": NOW, "weights": merged} | fields))


def with_person(supporter_facts: SupporterFacts, **fields: Any) -> SupporterFacts:
    return replace(supporter_facts, person=replace(supporter_facts.person, **fields))
