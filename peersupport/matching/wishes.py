"""The peer's wishes on a self-referral, and when no eligible supporter meets one, why not.

Plain Python over the facts the suggestions were made from: no query of its own. The work is
done only when a wish is unmet by the eligible list, and then only for the supporters who meet
the wish (a handful, where the team has thousands).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from peersupport.lib.i18n import Text
from peersupport.matching.core import hard_rule_checks, same_event_case
from peersupport.matching.facts import CaseFacts, PersonFacts, Rules, Suggestion, SupporterFacts, folded
from peersupport.matching.scoring import PREFERENCE_LABELS, wish_words

# Why a supporter who meets the wish is not eligible, per rule code of `hard_rule_checks`
# (and the one-peer-per-event rule): said of the one supporter who meets it, and of a count of
# them. Whole phrases, so that each language can say them its own way.
RULE_WORDS: dict[str, tuple[Text, Text]] = {
    "same_department": (
        _("is in the peer's own department (the own-department rule)"),
        ngettext_lazy("%(count)s is in the peer's own department (the own-department rule)",
                      "%(count)s are in the peer's own department (the own-department rule)", "count"),
    ),
    "case_limit": (_("is at their case limit"),
                   ngettext_lazy("%(count)s is at their case limit", "%(count)s are at their case limit", "count")),
    "paused": (_("is paused"), ngettext_lazy("%(count)s is paused", "%(count)s are paused", "count")),
    "same_event": (
        _("already supports a colleague from the same event (one peer per supporter per event)"),
        ngettext_lazy("%(count)s already supports a colleague from the same event (one peer per supporter per event)",
                      "%(count)s already support a colleague from the same event (one peer per supporter per event)",
                      "count"),
    ),
    "involved": (_("is involved in the same event"),
                 ngettext_lazy("%(count)s is involved in the same event", "%(count)s are involved in the same event",
                               "count")),
    "supervisor": (_("is the peer's supervisor"),
                   ngettext_lazy("%(count)s is the peer's supervisor", "%(count)s are the peer's supervisor",
                                 "count")),
    "supervised": (_("is supervised by the peer"),
                   ngettext_lazy("%(count)s is supervised by the peer", "%(count)s are supervised by the peer",
                                 "count")),
    "handed_back": (_("handed this case back"),
                    ngettext_lazy("%(count)s handed this case back", "%(count)s handed this case back", "count")),
    "is_peer": (_("is the peer"), ngettext_lazy("%(count)s is the peer", "%(count)s are the peer", "count")),
    "untrained": (_("is not trained yet"),
                  ngettext_lazy("%(count)s is not trained yet", "%(count)s are not trained yet", "count")),
    "status": (_("is not an active supporter"),
               ngettext_lazy("%(count)s is not an active supporter", "%(count)s are not active supporters", "count")),
    "inactive": (_("is no longer active on the roster"),
                 ngettext_lazy("%(count)s is no longer active on the roster",
                               "%(count)s are no longer active on the roster", "count")),
    "close_colleague": (
        _("works beside the peer, who is a supporter too (same department and site)"),
        ngettext_lazy("%(count)s works beside the peer, who is a supporter too (same department and site)",
                      "%(count)s work beside the peer, who is a supporter too (same department and site)", "count"),
    ),
    "on_call_team": (
        _("shares an on-call team with the peer, who is a supporter too"),
        ngettext_lazy("%(count)s shares an on-call team with the peer, who is a supporter too",
                      "%(count)s share an on-call team with the peer, who is a supporter too", "count"),
    ),
}

# How a gender wish reads in a sentence ("No eligible supporter is a woman"), alone and with a role.
GENDER_WORDS: dict[str, tuple[Text, Text]] = {
    "female": (_("a woman"), _("a woman who is %(role)s")),
    "woman": (_("a woman"), _("a woman who is %(role)s")),
    "male": (_("a man"), _("a man who is %(role)s")),
    "man": (_("a man"), _("a man who is %(role)s")),
}
# A gender wish that reads as a word about the person ("nonbinary", "a nonbinary nurse").
GENDER_ADJECTIVES: dict[str, Text] = {"non-binary": _("non-binary"), "nonbinary": _("nonbinary")}
# A role as a person is said to be one ("a nurse").
ROLE_WITH_ARTICLE: dict[str, Text] = {
    "physician": _("a physician"), "resident": _("a resident"), "fellow": _("a fellow"),
    "app": _("an advanced practice provider"), "nurse": _("a nurse"), "pharmacist": _("a pharmacist"),
    "therapist": _("a therapist"), "other": _("a colleague in another role"),
}
# The wishes' labels on the director's page.
WISH_LABELS: dict[str, Text] = {"gender": _("Gender"), "specialty": _("Specialty"), "role_type": _("Role")}


@dataclass(frozen=True)
class UnmetWish:
    """A wish (or the wishes together) that no eligible supporter meets, and why."""

    wishes: tuple[tuple[str, str], ...]
    # Active supporters on the team who meet the wish, and how many break each rule.
    active: int
    blocked: tuple[tuple[str, int], ...]

    @property
    def who(self) -> str:
        return describe(dict(self.wishes))

    @property
    def text(self) -> str:
        """In the language active when it is read (the director's page)."""
        who = self.who
        if not self.active:
            return gettext("No eligible supporter is %(who)s: no active supporter on the team is.") % {"who": who}
        if self.active == 1:
            words = _and([str(RULE_WORDS[rule][0]) for rule, _count in self.blocked])
            return gettext("No eligible supporter is %(who)s: one active supporter is, but %(why)s.") % {
                "who": who, "why": words}
        parts = [str(RULE_WORDS[rule][1] % {"count": count}) for rule, count in self.blocked]
        return gettext("No eligible supporter is %(who)s: %(count)s active supporters are, but %(why)s.") % {
            "who": who, "count": self.active, "why": _and(parts)}


def _and(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c" in the active language."""
    if len(parts) < 2:
        return "".join(parts)
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def stated_wishes(preferences: Mapping[str, object]) -> dict[str, str]:
    """The peer's wishes, trimmed, in a fixed order (gender, specialty, role); blanks left out."""
    wishes = {key: str(preferences.get(key) or "").strip() for key in PREFERENCE_LABELS}
    return {key: value for key, value in wishes.items() if value}


def wishes_for_display(preferences: Mapping[str, object] | None) -> list[tuple[str, str]]:
    """The peer's wishes as (label, value) pairs for the director's page."""
    return [wish_display(key, value) for key, value in stated_wishes(preferences or {}).items()]


def role_words(role_type: str) -> str:
    return wish_words("role_type", role_type)


def wish_display(key: str, value: str) -> tuple[str, str]:
    """(label, value) as the director reads it: ("Gender", "female"), ("Role", "nurse")."""
    return str(WISH_LABELS[key]), wish_words(key, value)


def _a_role(role_type: str) -> str:
    known = ROLE_WITH_ARTICLE.get(folded(role_type))
    if known is not None:
        return str(known)
    noun = role_words(role_type)
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def describe(wishes: Mapping[str, str]) -> str:
    """Who would meet these wishes, said after "No eligible supporter is": "a woman in
    Surgery", "a nurse", "nonbinary", "in Urology" (in the active language)."""
    gender = wishes.get("gender", "").strip()
    role_type = wishes.get("role_type", "").strip()
    if gender and folded(gender) in GENDER_WORDS:
        alone, with_role = GENDER_WORDS[folded(gender)]
        who = str(with_role) % {"role": _a_role(role_type)} if role_type else str(alone)
    elif gender:
        # Any other gender reads as a word about the person: "nonbinary", "a nonbinary nurse".
        adjective = str(GENDER_ADJECTIVES.get(folded(gender), gender))
        who = (gettext("a %(gender)s %(role)s") % {"gender": adjective, "role": role_words(role_type)}
               if role_type else adjective)
    else:
        who = _a_role(role_type) if role_type else ""
    if wishes.get("specialty"):
        specialty = wishes["specialty"].strip()
        who = (gettext("%(who)s in %(specialty)s") % {"who": who, "specialty": specialty} if who
               else gettext("in %(specialty)s") % {"specialty": specialty})
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
        active=len(matching),
        blocked=tuple(blocked),
    )
