"""The matching core: plain Python over plain data, no ORM.

Hard rules filter, preferences score, every suggestion explains itself. The joint plan for a
referral with many involved clinicians maximises the sum of the suggestion scores subject to
each supporter's remaining case limit.

The pieces live in small modules (facts, scoring, planning); this module is the one entry
point the rest of the program imports from.
"""

from __future__ import annotations

from collections.abc import Sequence

from peersupport.matching.facts import (
    ACTIVE,
    CaseFacts,
    PersonFacts,
    Rules,
    Suggestion,
    SupporterFacts,
    fairness_key,
    folded,
    is_paused,
)
from peersupport.matching.planning import plan
from peersupport.matching.scoring import score

__all__ = [
    "CaseFacts",
    "PersonFacts",
    "Rules",
    "Suggestion",
    "SupporterFacts",
    "hard_rule_violations",
    "plan",
    "suggest",
    "suggestion_order",
]


def hard_rule_violations(case: CaseFacts, supporter: SupporterFacts, rules: Rules) -> list[str]:
    """Every hard rule this supporter breaks for this case, in words; empty if eligible.

    `planning.SupporterTable` applies the same rules to many pairs at once (`build` and
    `eligible`); change both together.
    """
    peer, person = case.peer, supporter.person
    reasons: list[str] = []
    if supporter.status != ACTIVE:
        reasons.append(f"not an active supporter ({supporter.status.replace('_', ' ')})")
    if supporter.trained_on is None:
        reasons.append("not trained yet")
    if is_paused(supporter, rules.now.date()):
        reasons.append(f"paused until {supporter.paused_until:%Y-%m-%d}")
    if not person.active:
        reasons.append("no longer active on the roster")
    if supporter.open_cases >= supporter.case_limit:
        reasons.append(f"at their case limit ({supporter.open_cases} of {supporter.case_limit})")
    if person.person_id == peer.person_id:
        reasons.append("is the peer")
    elif person.person_id in case.involved_person_ids:
        # The peer is in the involved set too; "is the peer" already says it.
        reasons.append("involved in the same event")
    if person.person_id in case.declined_by_person_ids:
        reasons.append("handed this case back")
    if peer.supervisor_id is not None and person.person_id == peer.supervisor_id:
        reasons.append("the peer's supervisor")
    if person.supervisor_id is not None and person.supervisor_id == peer.person_id:
        reasons.append("supervised by the peer")
    if (
        rules.exclude_same_department
        and folded(peer.department)
        and folded(peer.department) == folded(person.department)
    ):
        reasons.append(f"same department as the peer ({person.department.strip()})")
    return reasons


def suggestion_order(suggestion: Suggestion) -> tuple[float, int, float, str]:
    """Best first: the higher score, then the fairer pick (see `fairness_key`)."""
    return (-suggestion.score, *fairness_key(suggestion.supporter))


def suggest(case: CaseFacts, supporters: Sequence[SupporterFacts], rules: Rules) -> list[Suggestion]:
    """Eligible supporters for one case, best first, each with its reasons."""
    suggestions = []
    for supporter in supporters:
        if hard_rule_violations(case, supporter, rules):
            continue
        points, reasons = score(case, supporter, rules)
        suggestions.append(Suggestion(case.case_id, supporter, points, reasons))
    suggestions.sort(key=suggestion_order)
    return suggestions
