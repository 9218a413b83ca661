"""How well an eligible supporter fits a case: a weighted sum of preferences, each explained.

This is the readable definition of the score. `planning.py` computes the same sum for many
pairs at once with numpy; it adds the same terms in the same order so that both give the
same float to the last bit (a test holds them to it).
"""

from __future__ import annotations

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from peersupport.lib.i18n import Text
from peersupport.matching.facts import CaseFacts, Rules, SupporterFacts, days_since, folded
from peersupport.matching.specialties import related

# The days after which "longer since the last assignment" stops counting: a quarter is long
# enough to have recovered from the last case, and a cap keeps one idle supporter from
# outranking everyone on recency alone.
RECENCY_CAP_DAYS = 90

# Wishes a self-referring peer can state, and the words the director reads for each.
PREFERENCE_LABELS: dict[str, Text] = {
    "gender": _("gender"),
    "specialty": _("specialty"),
    "role_type": _("role"),
}

# A role as a word on the page ("nurse"), and a gender wish's value as the director reads it.
ROLE_WORDS: dict[str, Text] = {
    "physician": _("physician"), "resident": _("resident"), "fellow": _("fellow"),
    "app": _("advanced practice provider"), "nurse": _("nurse"), "pharmacist": _("pharmacist"),
    "therapist": _("therapist"), "other": _("another role"),
}
GENDER_VALUES: dict[str, Text] = {"female": _("female"), "male": _("male"), "non-binary": _("non-binary"),
                                  "nonbinary": _("nonbinary")}

CATEGORY_LABELS: dict[str, Text] = {
    "medical_error": _("a medical error"),
    "adverse_outcome": _("an adverse outcome"),
    "patient_death": _("a patient's death"),
    "patient_aggression": _("patient aggression"),
    "litigation": _("litigation"),
}


def wish_words(key: str, value: str) -> str:
    """A wish's value as the director reads it: "nurse", "female", "General Surgery"."""
    table = ROLE_WORDS if key == "role_type" else GENDER_VALUES if key == "gender" else {}
    known = table.get(folded(value))
    if known is not None:
        return str(known)
    return value.strip().replace("_", " ").lower() if key == "role_type" else value.strip()


# Rank factors: at or above the peer's rank is what peers ask for; one step below still
# works; further below is actively unhelpful (a trainee consoling a chief), hence a penalty.
RANK_AT_OR_ABOVE = 1.0
RANK_ONE_BELOW = 0.5
RANK_FAR_BELOW = -1.0


def rank_factor(supporter_rank: int, peer_rank: int) -> float:
    gap = supporter_rank - peer_rank
    if gap >= 0:
        return RANK_AT_OR_ABOVE
    return RANK_ONE_BELOW if gap == -1 else RANK_FAR_BELOW


def load_factor(open_cases: int, case_limit: int) -> float:
    """The free share of the supporter's capacity: 1 when idle, near 0 when almost full."""
    if case_limit <= 0:
        return 0.0
    return 1 - open_cases / case_limit


def recency_factor(days: int | None) -> float:
    """None is "never assigned": as rested as a supporter can be."""
    if days is None:
        return 1.0
    return min(days, RECENCY_CAP_DAYS) / RECENCY_CAP_DAYS


def score(case: CaseFacts, supporter: SupporterFacts, rules: Rules) -> tuple[float, tuple[str, ...]]:
    """The score (rounded to 2 decimals) and its reasons; assumes the supporter is eligible."""
    peer, person = case.peer, supporter.person
    total = 0.0
    reasons: list[str] = []

    def add(key: str, factor: float, reason: str) -> None:
        nonlocal total
        weight = float(rules.weights.get(key, 0.0))
        # A preference the director weighted at zero is switched off: no points, no claim.
        if weight == 0.0 or factor == 0.0:
            return
        total += weight * factor
        reasons.append(reason)

    # Continuity is a weighted preference like the others, not a fixed "first" place: so the
    # director reads one ranked list with one score per supporter, can weigh it on the settings
    # page, and the joint plan (which maximizes the total score) leans the same way as the
    # single-case list. Its default weight outweighs every other preference that can differ
    # between the peer's earlier supporter and anyone else, so that supporter comes first,
    # unless the peer has stated a wish the earlier supporter does not meet.
    # Cross-program matching: said first, as the director weighs it before anything else. No points:
    # the peer asked for someone from outside, and the program's own supporters stay in the list.
    if case.program_id is not None and person.program_id is not None and person.program_id != case.program_id:
        reasons.append(gettext("From another hospital (shared supporter)"))

    earlier_case = case.previous_supporter_cases.get(person.person_id)
    if earlier_case is not None:
        add("continuity", 1.0, gettext("supported this peer before (case #%(case_id)s)") % {"case_id": earlier_case})

    if folded(peer.specialty) and folded(peer.specialty) == folded(person.specialty):
        add("specialty", 1.0, gettext("same specialty: %(specialty)s") % {"specialty": person.specialty})
    elif related(peer.specialty, person.specialty):
        add("related_specialty", 1.0, gettext("related specialty: %(peers)s and %(theirs)s")
            % {"peers": peer.specialty, "theirs": person.specialty})

    factor = rank_factor(person.rank, peer.rank)
    if person.rank > peer.rank:
        add("rank", factor, gettext("more senior than the peer"))
    elif person.rank == peer.rank:
        add("rank", factor, gettext("same seniority"))
    else:
        add(
            "rank",
            factor,
            gettext("slightly junior to the peer") if factor > 0 else gettext("much junior to the peer"),
        )

    if case.interventional and person.interventional:
        add("interventional", 1.0, gettext("interventionalist for a procedural event"))
    if rules.whole_care_team and folded(peer.role_type) and (folded(peer.role_type) == folded(person.role_type)):
        add("role", 1.0, gettext("same professional role: %(role)s")
            % {"role": wish_words("role_type", person.role_type)})
    if case.category and case.category in supporter.experience:
        event = CATEGORY_LABELS.get(case.category, case.category.replace("_", " "))
        add("experience", 1.0, gettext("has offered support after %(event)s") % {"event": event})
    for key, label in PREFERENCE_LABELS.items():
        wish = str(case.preferences.get(key) or "")
        if folded(wish) and folded(wish) == folded(getattr(person, key)):
            add("preference", 1.0, gettext("matches the peer's wish: %(what)s %(wish)s")
                % {"what": label, "wish": wish_words(key, wish)})

    # Load and recency are fairness facts the director wants to see whatever their weight,
    # so their reasons are always given (their points still follow the weights).
    total += float(rules.weights.get("load", 0.0)) * load_factor(supporter.open_cases, supporter.case_limit)
    reasons.append(ngettext("%(open)s open case of %(limit)s", "%(open)s open cases of %(limit)s", supporter.open_cases)
                   % {"open": supporter.open_cases, "limit": supporter.case_limit})

    days = None if supporter.last_assigned_at is None else days_since(rules.now, supporter.last_assigned_at)
    total += float(rules.weights.get("recency", 0.0)) * recency_factor(days)
    if days is None:
        reasons.append(gettext("never assigned yet"))
    elif days == 0:
        reasons.append(gettext("last assigned today"))
    else:
        reasons.append(ngettext("last assigned %(days)s day ago", "last assigned %(days)s days ago", days)
                       % {"days": days})

    if supporter.on_call:
        add("on_call", 1.0, gettext("on call now"))
    if folded(peer.site) and folded(person.site) and folded(peer.site) != folded(person.site):
        add("other_site", 1.0, gettext("from another site"))

    return round(total, 2), tuple(reasons)
