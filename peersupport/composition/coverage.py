"""Which kinds of peer the team cannot match well, site by site.

Plain Python over aggregated facts: the served population grouped by site and kind (one
query), and the active team's matching facts (`matching.selectors.active_supporter_facts`). A
supporter counts for a kind when the matching's own hard rules let them take a case at all
(active, trained, not paused, below their case limit, active on the roster: checked against a
peer with no department or supervisor, so only those rules apply) and they are of that kind:
the same professional role, an interventionalist, or a specialty of the same family. At 5,000
supporters it is a few counters over one list.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext

from peersupport.matching.core import CaseFacts, PersonFacts, Rules, SupporterFacts, hard_rule_checks
from peersupport.matching.specialties import families_of
from peersupport.roster.models import RoleType

Axis = Literal["role", "interventional", "specialty"]
# The order findings are listed in at one site.
AXIS_ORDER: dict[Axis, int] = {"interventional": 0, "role": 1, "specialty": 2}
ROLE_LABELS = dict(RoleType.choices)
NO_SITE = "No site recorded"
# A peer with nothing a peer-dependent rule could read: what is left are the supporter's own rules.
_ANYONE = CaseFacts(case_id=0, category="other", interventional=False,
                    peer=PersonFacts(person_id=0, employee_id="", name="", role_type=""))


@dataclass(frozen=True)
class PopulationGroup:
    """Active people in served roles at one site with the same role, specialty and procedures."""

    site: str
    role_type: str
    specialty: str
    interventional: bool
    people: int


@dataclass(frozen=True, order=True)
class Kind:
    axis: Axis
    value: str

    @property
    def words(self) -> str:
        """The kind in the reader's language ("nurse", "interventional", "Surgery (specialty group)")."""
        if self.axis == "interventional":
            return gettext("interventional")
        if self.axis == "role":
            label = ROLE_LABELS.get(self.value)
            return str(label).lower() if label is not None else self.value.replace("_", " ")
        return gettext("%(group)s (specialty group)") % {"group": self.value}


@dataclass(frozen=True)
class Finding:
    site: str
    kind: Kind
    # Available supporters of this kind at the site, and at the other sites.
    at_site: int
    elsewhere: int
    fewer_than: int

    @property
    def text(self) -> str:
        """The finding in words, in the reader's language."""
        where = (gettext("at %(site)s") % {"site": self.site} if self.site != NO_SITE
                 else gettext("among people with no site recorded"))
        words = {"kind": self.kind.words, "where": where, "count": self.at_site}
        if self.at_site == 0:
            said = gettext("No %(kind)s supporter is available %(where)s") % words
        elif self.at_site == 1:
            said = gettext("Only one %(kind)s supporter is available %(where)s") % words
        else:
            said = gettext("Only %(count)s %(kind)s supporters are available %(where)s") % words
        other = gettext("none") if not self.elsewhere else str(self.elsewhere)
        return gettext("%(finding)s (%(other)s at other sites).") % {"finding": said, "other": other}


def site_label(site: str) -> str:
    return " ".join(site.split()) or NO_SITE


def site_key(site: str) -> str:
    """Sites as typed on a roster differ in case and spacing: the same site all the same."""
    return " ".join(site.split()).casefold()


def kinds_of(role_type: str, specialty: str, interventional: bool) -> list[Kind]:
    kinds = [Kind("role", role_type)]
    if interventional:
        kinds.append(Kind("interventional", ""))
    kinds += [Kind("specialty", family) for family in sorted(families_of(specialty))]
    return kinds


def available(team: Iterable[SupporterFacts], rules: Rules) -> list[SupporterFacts]:
    """The supporters the hard rules let take a case now, whoever the peer."""
    return [supporter for supporter in team if not hard_rule_checks(_ANYONE, supporter, rules)]


def hard_to_match(population: Sequence[PopulationGroup], team: Iterable[SupporterFacts], rules: Rules,
                  *, fewer_than: int) -> list[Finding]:
    """For each site, the kinds of peer there (people of that kind work there) for whom fewer
    than `fewer_than` available supporters of that kind are at the site; by site, then worst first."""
    by_site: Counter[tuple[str, Kind]] = Counter()
    overall: Counter[Kind] = Counter()
    site_names: dict[str, str] = {}
    for supporter in available(team, rules):
        person = supporter.person
        site = site_key(person.site)
        site_names.setdefault(site, site_label(person.site))
        for kind in kinds_of(person.role_type, person.specialty, person.interventional):
            by_site[(site, kind)] += 1
            overall[kind] += 1
    needed: set[tuple[str, Kind]] = set()
    for group in population:
        site = site_key(group.site)
        site_names.setdefault(site, site_label(group.site))
        if group.people:
            needed.update((site, kind) for kind in kinds_of(group.role_type, group.specialty, group.interventional))
    findings = [
        Finding(site=site_names[site], kind=kind, at_site=by_site[(site, kind)],
                elsewhere=overall[kind] - by_site[(site, kind)], fewer_than=fewer_than)
        for site, kind in needed
        if by_site[(site, kind)] < fewer_than
    ]
    return sorted(findings, key=lambda f: (f.site, f.at_site, AXIS_ORDER[f.kind.axis], f.kind.value))
