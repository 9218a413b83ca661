"""The matching core: plain Python over plain data, no ORM.

Hard rules filter, preferences score, every suggestion explains itself. The joint plan for a
referral with many involved clinicians maximizes the sum of the suggestion scores subject to
each supporter's remaining case limit.

The pieces live in small modules (facts, scoring, planning); this module is the one entry
point the rest of the program imports from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

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
    "HeldBack",
    "PersonFacts",
    "Rules",
    "Suggestion",
    "SupporterFacts",
    "close_colleague_checks",
    "hard_rule_checks",
    "hard_rule_violations",
    "plan",
    "same_event_case",
    "suggest",
    "suggest_with_held_back",
    "suggestion_order",
    "why_not_suggested",
]


@dataclass(frozen=True)
class HeldBack:
    """A supporter who passes every hard rule but already supports a colleague from the same
    event (`colleague_case_id`), so is not suggested while the one-peer-per-event rule is on."""

    suggestion: Suggestion
    colleague_case_id: int

    @property
    def words(self) -> str:
        return same_event_words(self.colleague_case_id)


def _status(status: str) -> str:
    """A supporter's status in the reader's language (the roster's own labels)."""
    from peersupport.roster.models import SupporterStatus  # the core reads no models otherwise

    return str(SupporterStatus(status).label).lower() if status in SupporterStatus.values else status


def hard_rule_checks(case: CaseFacts, supporter: SupporterFacts, rules: Rules) -> list[tuple[str, str]]:
    """Every hard rule this supporter breaks for this case, as (rule, words); empty if eligible.

    The rule is a short code (see `wishes.RULE_WORDS`), so that reasons can be counted by kind (the
    words carry numbers and names). `planning.SupporterTable` applies the same rules to many
    pairs at once (`build` and `eligible`); change both together.
    """
    peer, person = case.peer, supporter.person
    broken: list[tuple[str, str]] = []
    if supporter.status != ACTIVE:
        broken.append(("status", gettext("not an active supporter (%(status)s)")
                       % {"status": _status(supporter.status)}))
    if supporter.trained_on is None:
        broken.append(("untrained", gettext("not trained yet")))
    if is_paused(supporter, rules.now.date()):
        broken.append(("paused", gettext("paused until %(date)s") % {"date": f"{supporter.paused_until:%Y-%m-%d}"}))
    if not person.active:
        broken.append(("inactive", gettext("no longer active on the roster")))
    if supporter.open_cases >= supporter.case_limit:
        broken.append(("case_limit", gettext("at their case limit (%(open)s of %(limit)s)")
                       % {"open": supporter.open_cases, "limit": supporter.case_limit}))
    if person.person_id == peer.person_id:
        broken.append(("is_peer", gettext("is the peer")))
    elif person.person_id in case.involved_person_ids:
        # The peer is in the involved set too; "is the peer" already says it.
        broken.append(("involved", gettext("involved in the same event")))
    if person.person_id in case.declined_by_person_ids:
        broken.append(("handed_back", gettext("handed this case back")))
    if peer.supervisor_id is not None and person.person_id == peer.supervisor_id:
        broken.append(("supervisor", gettext("the peer's supervisor")))
    if person.supervisor_id is not None and person.supervisor_id == peer.person_id:
        broken.append(("supervised", gettext("supervised by the peer")))
    if (
        rules.exclude_same_department
        and folded(peer.department)
        and folded(peer.department) == folded(person.department)
    ):
        broken.append(("same_department", gettext("same department as the peer (%(department)s)")
                       % {"department": person.department.strip()}))
    broken.extend(close_colleague_checks(case, supporter))
    return broken


def close_colleague_checks(case: CaseFacts, supporter: SupporterFacts) -> list[tuple[str, str]]:
    """When the peer is a supporter themself, the close colleagues on the team who are kept from
    their case whatever the program's own-department setting: the same department at the same
    site, and the members of the peer's on-call teams. (Their supervisor and supervisees are
    kept away by the rules every case has.) The peer should be able to speak freely to someone
    they do not work beside or share on-call weeks with."""
    peer, person = case.peer, supporter.person
    if not case.peer_is_supporter or person.person_id == peer.person_id:
        return []
    broken: list[tuple[str, str]] = []
    if (
        folded(peer.department)
        and folded(peer.department) == folded(person.department)
        and folded(peer.site) == folded(person.site)
    ):
        broken.append(("close_colleague", gettext("a close colleague of the peer, who is a supporter too "
                                                  "(same department and site)")))
    if person.person_id in case.peer_team_mates:
        broken.append(("on_call_team", gettext("on an on-call team with the peer, who is a supporter too")))
    return broken


def hard_rule_violations(case: CaseFacts, supporter: SupporterFacts, rules: Rules) -> list[str]:
    """Every hard rule this supporter breaks for this case, in words; empty if eligible."""
    return [words for _, words in hard_rule_checks(case, supporter, rules)]


def same_event_case(case: CaseFacts, supporter: SupporterFacts, rules: Rules) -> int | None:
    """The colleague's case (same referral) this supporter already holds, when the program's
    one-peer-per-event rule keeps them from this case too; None when it does not."""
    if not rules.one_peer_per_supporter_per_event:
        return None
    return case.same_event_supporters.get(supporter.person.person_id)


def same_event_words(colleague_case_id: int) -> str:
    return gettext("already supports a colleague from the same event (case #%(case)s)") % {"case": colleague_case_id}


def suggestion_order(suggestion: Suggestion) -> tuple[float, int, float, str]:
    """Best first: the higher score, then the fairer pick (see `fairness_key`)."""
    return (-suggestion.score, *fairness_key(suggestion.supporter))


def suggest(case: CaseFacts, supporters: Sequence[SupporterFacts], rules: Rules) -> list[Suggestion]:
    """Eligible supporters for one case, best first, each with its reasons."""
    return suggest_with_held_back(case, supporters, rules)[0]


def suggest_with_held_back(
    case: CaseFacts, supporters: Sequence[SupporterFacts], rules: Rules
) -> tuple[list[Suggestion], list[HeldBack]]:
    """The suggestions, and the supporters who pass every hard rule but are held back by the
    one-peer-per-event rule (not suggested; the director may still choose them with a reason).
    Both best first."""
    suggestions: list[Suggestion] = []
    held_back: list[HeldBack] = []
    for supporter in supporters:
        if hard_rule_checks(case, supporter, rules):
            continue
        points, reasons = score(case, supporter, rules)
        suggestion = Suggestion(case.case_id, supporter, points, reasons)
        colleague_case = same_event_case(case, supporter, rules)
        if colleague_case is None:
            suggestions.append(suggestion)
        else:
            held_back.append(HeldBack(suggestion, colleague_case))
    suggestions.sort(key=suggestion_order)
    held_back.sort(key=lambda held: suggestion_order(held.suggestion))
    return suggestions, held_back


def why_not_suggested(case: CaseFacts, supporter: SupporterFacts, rules: Rules) -> list[str]:
    """Why this supporter is not among the case's suggestions, in words; empty if they are."""
    reasons = hard_rule_violations(case, supporter, rules)
    colleague_case = same_event_case(case, supporter, rules)
    if colleague_case is not None:
        reasons.append(same_event_words(colleague_case))
    return reasons
