"""From the database to the matching core's plain facts, in a fixed, small number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record_many
from peersupport.cases.access import cases_for_user
from peersupport.cases.models import HOLDING_STATES, AssignmentDecline, Case, CaseState
from peersupport.matching.core import (
    CaseFacts,
    HeldBack,
    PersonFacts,
    Rules,
    Suggestion,
    SupporterFacts,
    hard_rule_violations,
    plan,
    same_event_case,
    suggest,
    suggest_with_held_back,
    why_not_suggested,
)
from peersupport.matching.wishes import UnmetWish, unmet_wishes, wishes_for_display
from peersupport.program.models import ProgramSettings
from peersupport.roster.models import Person, RoleType, Supporter, SupporterQuerySet, SupporterStatus

# The director sees this many suggestions; choosing anyone further down needs a reason.
SUGGESTION_COUNT = 5
PHYSICIAN_ROLES = {RoleType.PHYSICIAN, RoleType.RESIDENT, RoleType.FELLOW}
# Continuity looks back this far: the peer's open cases, and those closed in the last year
# (a supporter from longer ago is a stranger again). The case a re-engagement comes back to
# counts whatever its age.
CONTINUITY_DAYS = 365


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
        one_peer_per_supporter_per_event=program.one_peer_per_supporter_per_event,
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


def continuity_filter(now: datetime, reengaged_ids: Iterable[int] = ()) -> Q:
    """The peer's earlier cases that count for continuity: open, closed within
    `CONTINUITY_DAYS`, or the case a re-engagement comes back to; never a purged one."""
    recent = ~Q(state=CaseState.CLOSED) | Q(closed_at__gte=now - timedelta(days=CONTINUITY_DAYS))
    return (recent | Q(pk__in=list(reengaged_ids))) & Q(purged_at__isnull=True)


def case_facts_for(cases: list[Case]) -> list[CaseFacts]:
    """Facts for cases (peer and referral already joined), in three queries however many:
    the hand-backs, the cases of the same referrals (who else is involved, and who supports
    them), and the peers' earlier cases (continuity)."""
    referral_ids = {case.referral_id for case in cases}
    involved: dict[int, set[int]] = {rid: set() for rid in referral_ids}
    # referral id -> [(case id, supporter's person id)] for the cases that have a supporter.
    supported: dict[int, list[tuple[int, int]]] = {rid: [] for rid in referral_ids}
    declined: dict[int, set[int]] = {case.pk: set() for case in cases}
    for case_id, person_id in AssignmentDecline.objects.filter(case__in=[c.pk for c in cases]).values_list(
        "case_id", "supporter__person_id"
    ):
        declined[case_id].add(person_id)
    for case_id, referral_id, peer_id, supporter_person_id in Case.objects.filter(
        referral_id__in=referral_ids
    ).values_list("pk", "referral_id", "peer_id", "supporter__person_id"):
        if peer_id is not None:
            involved[referral_id].add(peer_id)
        if supporter_person_id is not None:
            supported[referral_id].append((case_id, supporter_person_id))
    earlier = _earlier_supporters(cases)
    return [
        CaseFacts(
            case_id=case.pk,
            peer=person_facts(case.unpurged_peer),
            category=case.referral.category,
            interventional=case.referral.interventional,
            involved_person_ids=frozenset(involved[case.referral_id]),
            declined_by_person_ids=frozenset(declined[case.pk]),
            preferences=dict(case.referral.preferences or {}),
            previous_supporter_cases={
                person_id: case_id for case_id, peer_id, person_id in earlier
                if peer_id == case.peer_id and case_id != case.pk
            },
            same_event_supporters={
                person_id: case_id for case_id, person_id in supported[case.referral_id] if case_id != case.pk
            },
        )
        for case in cases
    ]


def _earlier_supporters(cases: list[Case]) -> list[tuple[int, int, int]]:
    """(case id, peer id, supporter's person id) of the peers' cases that count for
    continuity, oldest first (so that, read into a dict, the latest case wins)."""
    peer_ids = {case.peer_id for case in cases if case.peer_id is not None}
    if not peer_ids:
        return []
    reengaged = {case.reengagement_of_id for case in cases if case.reengagement_of_id is not None}
    return list(
        Case.objects.filter(continuity_filter(timezone.now(), reengaged), peer_id__in=peer_ids,
                            supporter__isnull=False)
        .order_by("created_at", "pk")
        .values_list("pk", "peer_id", "supporter__person_id")
    )


def suggestions_for_case(case: Case, program: ProgramSettings | None = None) -> list[Suggestion]:
    """Every eligible supporter for the case, best first."""
    program = program or ProgramSettings.current()
    [facts] = case_facts_for([case])
    # Supporters held back by the one-peer-per-event rule are not suggested (see
    # `matching_for_case` for who they are).
    return suggest(facts, active_supporter_facts(program), rules_for(program))


def violations_for(case: Case, supporter: Supporter, program: ProgramSettings) -> list[str]:
    return assignment_checks(case, supporter, program).violations


@dataclass(frozen=True)
class AssignmentChecks:
    # The hard rules the supporter breaks for the case (never overridden).
    violations: list[str]
    # The colleague's case of the same referral they already support, when the program's
    # one-peer-per-event rule is on (overridden only with a recorded reason).
    same_event_case_id: int | None


def assignment_checks(case: Case, supporter: Supporter, program: ProgramSettings) -> AssignmentChecks:
    [facts] = case_facts_for([case])
    loaded = supporters_with_load().get(pk=supporter.pk)
    [candidate] = supporter_facts([loaded], program.default_case_limit)
    rules = rules_for(program)
    return AssignmentChecks(hard_rule_violations(facts, candidate, rules), same_event_case(facts, candidate, rules))


@dataclass(frozen=True)
class EarlierSupporter:
    """A supporter of the peer's earlier case, and why they are not suggested now (if not)."""

    case_id: int
    name: str
    employee_id: str
    not_suggested: list[str]
    # Their place among the suggestions (1 is first), or None when not suggested.
    rank: int | None = None


@dataclass
class CaseMatching:
    """Everything the director reads beside the suggestions for one case."""

    suggestions: list[Suggestion]
    # Passing every hard rule, but already supporting a colleague from the same event.
    held_back: list[HeldBack] = field(default_factory=list)
    # The peer's wishes as (label, value), and each one no eligible supporter meets, with why.
    wishes: list[tuple[str, str]] = field(default_factory=list)
    unmet_wishes: list[UnmetWish] = field(default_factory=list)
    # The peer's earlier supporters (continuity), latest case first.
    earlier_supporters: list[EarlierSupporter] = field(default_factory=list)


def matching_for_case(case: Case, program: ProgramSettings | None = None) -> CaseMatching:
    """The suggestions for the case, and what explains them: the supporters held back by the
    one-peer-per-event rule, the peer's unmet wishes, and whether the peer's earlier
    supporters can be suggested. One more query than the suggestions alone, and only when the
    peer has an earlier supporter who is not on the active team."""
    program = program or ProgramSettings.current()
    [facts] = case_facts_for([case])
    team = active_supporter_facts(program)
    rules = rules_for(program)
    suggestions, held_back = suggest_with_held_back(facts, team, rules)
    return CaseMatching(
        suggestions=suggestions,
        held_back=held_back,
        wishes=wishes_for_display(facts.preferences),
        unmet_wishes=unmet_wishes(facts, team, suggestions, rules),
        earlier_supporters=_earlier_supporters_now(facts, team, rules, program, suggestions),
    )


def _earlier_supporters_now(
    facts: CaseFacts,
    team: list[SupporterFacts],
    rules: Rules,
    program: ProgramSettings,
    suggestions: list[Suggestion],
) -> list[EarlierSupporter]:
    if not facts.previous_supporter_cases:
        return []
    ranks = {
        s.supporter.person.person_id: position
        for position, s in enumerate(suggestions, start=1)
        if s.supporter.person.person_id in facts.previous_supporter_cases
    }
    wanted = set(facts.previous_supporter_cases)
    known = {s.person.person_id: s for s in team if s.person.person_id in wanted}
    missing = wanted - set(known)
    if missing:
        # Off the active team (paused, retired, left the roster): one query for all of them.
        loaded = supporters_with_load().filter(person_id__in=missing)
        known.update((s.person.person_id, s) for s in supporter_facts(loaded, program.default_case_limit))
    earlier = sorted(facts.previous_supporter_cases.items(), key=lambda item: -item[1])
    return [
        EarlierSupporter(
            case_id=case_id,
            name=known[person_id].person.name,
            employee_id=known[person_id].person.employee_id,
            not_suggested=why_not_suggested(facts, known[person_id], rules),
            rank=ranks.get(person_id),
        )
        for person_id, case_id in earlier
        if person_id in known
    ]


def continuity_cases(user: User, case: Case) -> list[Case]:
    """The same peer's other open or recent cases, with their supporter, latest first; read
    through the case gate and audited as seen in a list."""
    if case.peer_id is None:
        return []
    others = list(
        cases_for_user(user)
        .filter(continuity_filter(timezone.now(), [case.reengagement_of_id] if case.reengagement_of_id else []),
                peer_id=case.peer_id)
        .exclude(pk=case.pk)
        .select_related("supporter__person", "referral")
        .order_by("-created_at", "-pk")
    )
    audit_record_many(actor=user, action="case.list", object_type="case", object_ids=[c.pk for c in others],
                      detail={"continuity_of": case.pk})
    return others


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
