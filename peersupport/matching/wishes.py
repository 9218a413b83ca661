"""The peer's wishes on a self-referral, and when no eligible supporter meets one, why not.

Plain Python over the facts the suggestions were made from: no query of its own. The work is
done only when a wish is unmet by the eligible list, and then only for the supporters who meet
the wish (a handful, where the team has thousands).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from peersupport.matching.core import hard_rule_checks, same_event_case
from peersupport.matching.facts import CaseFacts, PersonFacts, Rules, Suggestion, SupporterFacts, folded
from peersupport.matching.scoring import PREFERENCE_LABELS, ROLE_LABELS

# Why a supporter who meets the wish is not eligible, per rule code of `hard_rule_checks`
# (and the one-peer-per-event rule), said of one supporter and of several.
RULE_WORDS: dict[str, tuple[str, str]] = {
    "same_department": (
        "is in the peer's own department (the own-department rule)",
        "are in the peer's own department (the own-department rule)",
    ),
    "case_limit": ("is at their case limit", "are at their case limit"),
    "paused": ("is paused", "are paused"),
    "same_event": (
        "already supports a colleague from the same event (one peer per supporter per event)",
        "already support a colleague from the same event (one peer per supporter per event)",
    ),
    "involved": ("is involved in the same event", "are involved in the same event"),
    "supervisor": ("is the peer's supervisor", "are the peer's supervisor"),
    "supervised": ("is supervised by the peer", "are supervised by the peer"),
    "handed_back": ("handed this case back", "handed this case back"),
    "is_peer": ("is the peer", "are the peer"),
    "untrained": ("is not trained yet", "are not trained yet"),
    "status": ("is not an active supporter", "are not active supporters"),
    "inactive": ("is no longer active on the roster", "are no longer active on the roster"),
    "close_colleague": (
        "works beside the peer, who is a supporter too (same department and site)",
        "work beside the peer, who is a supporter too (same department and site)",
    ),
    "on_call_team": (
        "shares an on-call team with the peer, who is a supporter too",
        "share an on-call team with the peer, who is a supporter too",
    ),
}

# How a gender wish reads in a sentence ("No eligible supporter is a woman").
GENDER_WORDS: dict[str, str] = {"female": "a woman", "woman": "a woman", "male": "a man", "man": "a man"}


@dataclass(frozen=True)
class UnmetWish:
    """A wish (or the wishes together) that no eligible supporter meets, and why."""

    wishes: tuple[tuple[str, str], ...]
    who: str
    # Active supporters on the team who meet the wish, and how many break each rule.
    active: int
    blocked: tuple[tuple[str, int], ...]

    @property
    def text(self) -> str:
        opening = f"No eligible supporter is {self.who}"
        if not self.active:
            return f"{opening}: no active supporter on the team is."
        if self.active == 1:
            words = " and ".join(RULE_WORDS[rule][0] for rule, _ in self.blocked)
            return f"{opening}: one active supporter is, but {words}."
        parts = [f"{count} {RULE_WORDS[rule][0 if count == 1 else 1]}" for rule, count in self.blocked]
        listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        return f"{opening}: {self.active} active supporters are, but {listed}."


def stated_wishes(preferences: Mapping[str, object]) -> dict[str, str]:
    """The peer's wishes, trimmed, in a fixed order (gender, specialty, role); blanks left out."""
    wishes = {key: str(preferences.get(key) or "").strip() for key in PREFERENCE_LABELS}
    return {key: value for key, value in wishes.items() if value}


def wishes_for_display(preferences: Mapping[str, object] | None) -> list[tuple[str, str]]:
    """The peer's wishes as (label, value) pairs for the director's page."""
    return [wish_display(key, value) for key, value in stated_wishes(preferences or {}).items()]


def role_words(role_type: str) -> str:
    return ROLE_LABELS.get(folded(role_type), role_type.strip().replace("_", " ").lower())


def wish_display(key: str, value: str) -> tuple[str, str]:
    """(label, value) as the director reads it: ("Gender", "female"), ("Role", "nurse")."""
    return PREFERENCE_LABELS[key].capitalize(), role_words(value) if key == "role_type" else value


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def describe(wishes: Mapping[str, str]) -> str:
    """Who would meet these wishes, said after "No eligible supporter is": "a woman in
    Surgery", "a nurse", "nonbinary", "in Urology"."""
    gender = wishes.get("gender", "")
    role = role_words(wishes["role_type"]) if wishes.get("role_type") else ""
    if gender and folded(gender) in GENDER_WORDS:
        who = GENDER_WORDS[folded(gender)] + (f" who is {_a(role)}" if role else "")
    elif gender:
        # Any other gender reads as a word about the person: "nonbinary", "a nonbinary nurse".
        who = _a(f"{gender} {role}") if role else gender
    else:
        who = _a(role) if role else ""
    if wishes.get("specialty"):
        who = f"{who} in {wishes['specialty']}".strip()
    return who


def meets(person: PersonFacts, wishes: Mapping[str, str]) -> bool:
    return all(folded(value) == folded(getattr(person, key)) for key, value in wishes.items())


def unmet_wishes(
    case: CaseFacts,
    supporters: Sequence[SupporterFacts],
    suggestions: Sequence[Suggestion],
    rules: Rules,
) -> list[UnmetWish]:
    """Each stated wish that no suggested supporter meets, with why the active supporters who
    meet it are not suggested. When every wish is met on its own but no one supporter meets
    them all, the wishes together.

    `supporters` are the facts the suggestions were made from (the active team).
    """
    return unmet_wishes_among(case, supporters, [s.supporter.person for s in suggestions], rules)


def unmet_wishes_among(
    case: CaseFacts,
    supporters: Sequence[SupporterFacts],
    suggested: Sequence[PersonFacts],
    rules: Rules,
) -> list[UnmetWish]:
    """`unmet_wishes`, given the people suggested (every one of them, not only those shown)."""
    wishes = stated_wishes(case.preferences)
    if not wishes:
        return []
    single = [{key: value} for key, value in wishes.items()]
    unmet = [w for w in single if not any(meets(person, w) for person in suggested)]
    if not unmet and len(wishes) > 1 and not any(meets(person, wishes) for person in suggested):
        unmet = [wishes]
    return [_why(case, supporters, wish, rules) for wish in unmet]


def _why(case: CaseFacts, supporters: Sequence[SupporterFacts], wishes: dict[str, str], rules: Rules) -> UnmetWish:
    matching = [s for s in supporters if meets(s.person, wishes)]
    counts: Counter[str] = Counter()
    for supporter in matching:
        rules_broken = {rule for rule, _ in hard_rule_checks(case, supporter, rules)}
        if same_event_case(case, supporter, rules) is not None:
            rules_broken.add("same_event")
        counts.update(rules_broken)
    order = list(RULE_WORDS)
    blocked = sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0])))
    return UnmetWish(
        wishes=tuple(wishes.items()),
        who=describe(wishes),
        active=len(matching),
        blocked=tuple(blocked),
    )
