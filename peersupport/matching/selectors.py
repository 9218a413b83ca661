"""From the database to the matching core's plain facts, in a fixed, small number of queries."""

from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone

from peersupport.cases.models import HOLDING_STATES, AssignmentDecline, Case, CaseState
from peersupport.matching.core import (
    CaseFacts,
    PersonFacts,
    Rules,
    Suggestion,
    SupporterFacts,
    hard_rule_violations,
    plan,
    suggest,
)
from peersupport.program.models import ProgramSettings
from peersupport.roster.models import Person, RoleType, Supporter, SupporterQuerySet, SupporterStatus

# The director sees this many suggestions; choosing anyone further down needs a reason.
SUGGESTION_COUNT = 5
PHYSICIAN_ROLES = {RoleType.PHYSICIAN, RoleType.RESIDENT, RoleType.FELLOW}


def person_facts(person: Person) -> PersonFacts:
    return PersonFacts(
        person_id=person.pk,
        employee_id=person.employee_id,
        name=person.name,
        role_type=person.role_type,
        specialty=person.specialty,
        department=person.department,
        rank=person.rank,
        interventional=person.interventional,
        supervisor_id=person.supervisor_id,
        site=person.site,
        gender=person.gender,
        active=person.active,
    )


def rules_for(program: ProgramSettings) -> Rules:
    return Rules(
        now=timezone.now(),
        weights=program.effective_weights(),
        exclude_same_department=program.exclude_same_department,
        whole_care_team=not set(program.served_role_types) <= PHYSICIAN_ROLES,
    )


def supporter_facts(supporters: Iterable[Supporter], default_limit: int) -> list[SupporterFacts]:
    """Supporters must come from `supporters_with_load()` (person joined, holding count)."""
    return [
        SupporterFacts(
            person=person_facts(s.person),
            status=s.status,
            trained_on=s.trained_on,
            case_limit=s.case_limit(default_limit),
            open_cases=s.holding_count,  # type: ignore[attr-defined]  # annotated by supporters_with_load()
            paused_until=s.paused_until,
            last_assigned_at=s.last_assigned_at,
            experience=frozenset(s.experience or ()),
            on_call=s.on_call,
        )
        for s in supporters
    ]


def supporters_with_load() -> SupporterQuerySet:
    return Supporter.objects.select_related("person").annotate(
        holding_count=Count("cases", filter=Q(cases__state__in=HOLDING_STATES))
    )


def active_supporter_facts(program: ProgramSettings) -> list[SupporterFacts]:
    candidates = supporters_with_load().filter(status=SupporterStatus.ACTIVE, person__active=True)
    return supporter_facts(candidates, program.default_case_limit)


def case_facts_for(cases: list[Case]) -> list[CaseFacts]:
    """Facts for cases (peer and referral already joined); one query for the involved peers."""
    referral_ids = {case.referral_id for case in cases}
    involved: dict[int, set[int]] = {rid: set() for rid in referral_ids}
    declined: dict[int, set[int]] = {case.pk: set() for case in cases}
    for case_id, person_id in AssignmentDecline.objects.filter(case__in=[c.pk for c in cases]).values_list(
        "case_id", "supporter__person_id"
    ):
        declined[case_id].add(person_id)
    for referral_id, peer_id in Case.objects.filter(referral_id__in=referral_ids).values_list("referral_id", "peer_id"):
        involved[referral_id].add(peer_id)
    return [
        CaseFacts(
            case_id=case.pk,
            peer=person_facts(case.unpurged_peer),
            category=case.referral.category,
            interventional=case.referral.interventional,
            involved_person_ids=frozenset(involved[case.referral_id]),
            declined_by_person_ids=frozenset(declined[case.pk]),
            preferences=dict(case.referral.preferences or {}),
        )
        for case in cases
    ]


def suggestions_for_case(case: Case, program: ProgramSettings | None = None) -> list[Suggestion]:
    """Every eligible supporter for the case, best first."""
    program = program or ProgramSettings.current()
    [facts] = case_facts_for([case])
    return suggest(facts, active_supporter_facts(program), rules_for(program))


def violations_for(case: Case, supporter: Supporter, program: ProgramSettings) -> list[str]:
    [facts] = case_facts_for([case])
    loaded = supporters_with_load().get(pk=supporter.pk)
    [candidate] = supporter_facts([loaded], program.default_case_limit)
    return hard_rule_violations(facts, candidate, rules_for(program))


def plan_for_referral(referral_id: int, program: ProgramSettings | None = None) -> dict[int, Suggestion]:
    """The best joint assignment of the referral's unassigned cases: case id -> suggestion."""
    program = program or ProgramSettings.current()
    cases = list(
        Case.objects.filter(referral_id=referral_id, state=CaseState.AWAITING_ASSIGNMENT)
        .select_related("peer", "referral")
        .order_by("pk")
    )
    if not cases:
        return {}
    return plan(case_facts_for(cases), active_supporter_facts(program), rules_for(program))
