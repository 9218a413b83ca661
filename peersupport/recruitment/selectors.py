"""Reads of recruiting: who a campaign reaches, its figures, and the ranked candidates."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from peersupport.program.models import ProgramSettings
from peersupport.recruitment.models import AudienceKind, Campaign, Candidate, Nomination, Reason
from peersupport.roster.models import Person, PersonQuerySet

CHOICES_TTL_SECONDS = 300
CHOICES_MAX = 500


@dataclass(frozen=True)
class Audience:
    kind: str
    departments: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    role_types: tuple[str, ...] = ()
    # The campaign's program: its people only (0, a form's audience not yet a campaign's: nobody).
    program_id: int = 0

    @classmethod
    def of(cls, campaign: Campaign) -> "Audience":
        return cls(kind=campaign.audience_kind, departments=tuple(campaign.departments),
                   sites=tuple(campaign.sites), role_types=tuple(campaign.role_types),
                   program_id=campaign.program_id)


def audience_people(audience: Audience) -> PersonQuerySet:
    """Active people of the campaign's program with an email address, in the audience.

    The served population is every role the program serves (by its own settings). A chosen
    audience is narrowed by each list that has values (any department chosen, and any site
    chosen, and any role chosen); with no role chosen, it stays within the roles the program serves.
    """
    people = Person.objects.filter(active=True, program_id=audience.program_id).exclude(email="")
    served = ProgramSettings.for_program(audience.program_id).served_role_types if audience.program_id else []
    if audience.kind == AudienceKind.SERVED:
        return people.filter(role_type__in=served)
    if audience.departments:
        people = people.filter(department__in=audience.departments)
    if audience.sites:
        people = people.filter(site__in=audience.sites)
    return people.filter(role_type__in=audience.role_types or served)


def audience_count(audience: Audience) -> int:
    return audience_people(audience).count()


def sample_recipient(audience: Audience) -> Person | None:
    """Whom the preview shows the invitation to: the first of the audience by roster id."""
    return audience_people(audience).order_by("pk").only("pk", "name", "email").first()


def roster_values(field: str, program_id: int) -> list[str]:
    """The departments (or sites) of the program's people, for the audience's lists; a scan, so cached."""
    def compute() -> list[str]:
        values = Person.objects.filter(active=True, program_id=program_id).exclude(**{field: ""}).order_by(field)
        return list(values.values_list(field, flat=True).distinct()[:CHOICES_MAX])

    key = f"recruitment:choices:{program_id}:{field}"
    found: list[str] = cache.get_or_set(key, compute, CHOICES_TTL_SECONDS) or []
    return found


@dataclass(frozen=True)
class CampaignFigures:
    invited: int
    nominators: int
    nominations: int
    self_nominations: int


def campaign_figures(campaign: Campaign) -> CampaignFigures:
    counts = Nomination.objects.filter(campaign=campaign).aggregate(
        nominators=Count("nominator", distinct=True),
        nominations=Count("pk"),
        self_nominations=Count("pk", filter=Q(self_nomination=True)),
    )
    return CampaignFigures(invited=campaign.invited_count, nominators=counts["nominators"],
                           nominations=counts["nominations"], self_nominations=counts["self_nominations"])


def figures_by_campaign(campaigns: Iterable[Campaign]) -> dict[int, CampaignFigures]:
    """The figures of a page of campaigns, in one query."""
    by_id = {campaign.pk: campaign for campaign in campaigns}
    rows = (
        Nomination.objects.filter(campaign_id__in=list(by_id)).values("campaign_id")
        .annotate(nominators=Count("nominator", distinct=True), nominations=Count("pk"),
                  self_nominations=Count("pk", filter=Q(self_nomination=True)))
    )
    found = {row["campaign_id"]: row for row in rows}
    return {
        pk: CampaignFigures(invited=campaign.invited_count,
                            nominators=found.get(pk, {}).get("nominators", 0),
                            nominations=found.get(pk, {}).get("nominations", 0),
                            self_nominations=found.get(pk, {}).get("self_nominations", 0))
        for pk, campaign in by_id.items()
    }


def ranked_candidates(program_id: int, state: str = "") -> QuerySet[Candidate]:
    """The program's nominees (a candidate is their person's program's), most distinct
    nominators first (across campaigns), then by name."""
    candidates = Candidate.objects.filter(person__program_id=program_id).select_related("person", "person__supporter")
    if state:
        candidates = candidates.filter(state=state)
    return candidates.order_by("-nominator_count", "person__name", "pk")



def self_nominated(person_ids: Iterable[int]) -> set[int]:
    """Which of these nominees named themself: their count of nominators includes them."""
    return set(Nomination.objects.filter(nominee_id__in=list(person_ids), self_nomination=True)
               .values_list("nominee_id", flat=True).distinct())


def reason_counts(person_ids: Iterable[int]) -> dict[int, list[tuple[str, int]]]:
    """For each nominee, each reason given and how many nominations gave it, most given first."""
    counters: dict[int, Counter[str]] = {}
    rows = Nomination.objects.filter(nominee_id__in=list(person_ids)).values_list("nominee_id", "reasons")
    for nominee_id, reasons in rows:
        counters.setdefault(nominee_id, Counter()).update(r for r in reasons if r in Reason.values)
    labels = {value: str(label) for value, label in Reason.choices}
    return {
        nominee_id: [(labels[reason], count) for reason, count in sorted(
            counter.items(), key=lambda item: (-item[1], Reason.values.index(item[0])))]
        for nominee_id, counter in counters.items()
    }
