"""From the database to the matching core's plain facts, in a fixed, small number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
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
    why_not_suggested,
)
from peersupport.matching.models import CHANGES_KEPT, MatchingChange, matching_version
from peersupport.matching.planning import SupporterTable
from peersupport.matching.ranking import Ranking, place_of, rank
from peersupport.matching.scoring import score
from peersupport.matching.wishes import UnmetWish, unmet_wishes_among, wishes_for_display
from peersupport.program.models import ProgramSettings
from peersupport.roster.models import Person, RoleType, Supporter, SupporterQuerySet, SupporterStatus
from peersupport.team.models import OnCallMember, OnCallWeek

# The director sees this many suggestions; choosing anyone further down needs a reason.
SUGGESTION_COUNT = 5
# The case page offers this many more eligible supporters by name and score (no reasons).
OTHER_ELIGIBLE_SHOWN = 50
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


# The columns the matching reads, in the order `_load_facts` takes them.
_FACT_COLUMNS = (
    "pk", "person_id", "person__employee_id", "person__name", "person__role_type", "person__specialty",
    "person__department", "person__rank", "person__interventional", "person__supervisor_id", "person__site",
    "person__gender", "person__active", "status", "trained_on", "capacity", "paused_until",
    "last_assigned_at", "experience", "on_call", "person__program_id", "shared_across_programs",
)


def open_case_counts(supporter_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Supporter id -> number of cases they hold now (open cases only: never the closed
    history), in one grouped query over the open cases."""
    open_cases = Case.objects.filter(state__in=HOLDING_STATES, supporter__isnull=False)
    if supporter_ids is not None:
        open_cases = open_cases.filter(supporter_id__in=list(supporter_ids))
    return dict(
        open_cases.order_by().values("supporter_id").annotate(n=Count("pk")).values_list("supporter_id", "n")
    )


def default_case_limits() -> dict[int | None, int]:
    """Each program's default case limit, by program id (one small query: a row per program)."""
    return dict(ProgramSettings.objects.values_list("program_id", "default_case_limit"))


def load_supporter_facts(supporters: SupporterQuerySet, default_limit: int) -> list[SupporterFacts]:
    """The facts of these supporters in two queries: their columns (only those the matching
    reads, no model objects) and their open cases counted."""
    return list(_load_facts(supporters, default_limit).values())


def _load_facts(supporters: SupporterQuerySet, default_limit: int) -> dict[int, SupporterFacts]:
    """`load_supporter_facts` by supporter id, in id order. A supporter is on call when their
    record says so or the on-call rota puts their team on call today (read in the same query)."""
    on_call_by_rota = Exists(
        OnCallMember.objects.filter(supporter=OuterRef("pk")).filter(
            Exists(OnCallWeek.objects.covering(timezone.localdate()).filter(team=OuterRef("team"))))
    )
    rows = list(supporters.annotate(on_call_by_rota=on_call_by_rota).order_by("pk")
                .values_list(*_FACT_COLUMNS, "on_call_by_rota"))
    counts = open_case_counts(None if len(rows) > 500 else [row[0] for row in rows])
    # A supporter's own program's default case limit (a shared supporter keeps their own program's):
    # read only when the supporters are of several programs, so one program's team costs no query.
    limits = default_case_limits() if len({row[20] for row in rows}) > 1 else {}
    return {
        pk: SupporterFacts(
            person=PersonFacts(
                person_id=person_id, employee_id=employee_id, name=name, role_type=role_type,
                specialty=specialty, department=department, rank=rank, interventional=interventional,
                supervisor_id=supervisor_id, site=site, gender=gender, active=active, program_id=program_id,
            ),
            status=status,
            trained_on=trained_on,
            case_limit=limits.get(program_id, default_limit) if capacity is None else capacity,
            open_cases=counts.get(pk, 0),
            paused_until=paused_until,
            last_assigned_at=last_assigned_at,
            experience=frozenset(experience or ()),
            on_call=on_call or on_call_by_rota,
            shared=shared,
        )
        for (pk, person_id, employee_id, name, role_type, specialty, department, rank, interventional,
             supervisor_id, site, gender, active, status, trained_on, capacity, paused_until,
             last_assigned_at, experience, on_call, program_id, shared, on_call_by_rota) in rows
    }


# The active team's facts in this process.
@dataclass(frozen=True)
class _Team:
    version: int
    default_limit: int
    # The day the on-call rota was read for: a new day may start a new on-call week. (A change
    # to the rota itself moves the version for everyone.)
    day: date
    by_supporter: dict[int, SupporterFacts]
    facts: list[SupporterFacts]
    # The same facts by program (each program is suggested its own supporters).
    by_program: dict[int | None, list[SupporterFacts]] = field(default_factory=dict)


def _by_program(facts: list[SupporterFacts]) -> dict[int | None, list[SupporterFacts]]:
    found: dict[int | None, list[SupporterFacts]] = {}
    for supporter in facts:
        found.setdefault(supporter.person.program_id, []).append(supporter)
    return found


_team_cache: _Team | None = None
# And their table, per day (the pause rule reads the date): (facts' key and day, table).
_table_cache: tuple[tuple[object, ...], SupporterTable] | None = None
# Past this many supporters changed since the facts were loaded, all are loaded again.
PARTIAL_RELOAD_MAX = 500


def _active(supporters: SupporterQuerySet) -> SupporterQuerySet:
    return supporters.filter(status=SupporterStatus.ACTIVE, person__active=True)


def _changed_since(cached: _Team, version: int) -> set[int] | None:
    """The supporters changed since the cached facts' version, or None when that cannot be told
    (a change that lists none, a change no longer kept, or too many)."""
    if version < cached.version or version - cached.version > CHANGES_KEPT:
        return None
    changes = list(MatchingChange.objects.filter(number__gt=cached.version, number__lte=version)
                   .values_list("supporter_ids", flat=True))
    lists = [ids for ids in changes if ids is not None]
    if len(lists) != version - cached.version:
        return None
    touched = {int(pk) for ids in lists for pk in ids}
    return touched if len(touched) <= PARTIAL_RELOAD_MAX else None


def _with_shared(by_program: dict[int | None, list[SupporterFacts]], program_id: int | None,
                 outside: bool) -> list[SupporterFacts]:
    """The program's own active supporters, and with `outside` the other programs' shared ones."""
    own = by_program.get(program_id, [])
    if not outside:
        return own
    return own + [supporter for other, facts in by_program.items() if other != program_id
                  for supporter in facts if supporter.shared]


TeamKey = tuple[int, int, date, int, bool]


def _active_team(program: ProgramSettings, outside: bool = False) -> tuple[list[SupporterFacts], TeamKey | None]:
    """The program's active team's facts, and the key they are kept under (None when not kept).

    The program's own supporters; with `outside` (the peer asked for someone from outside their
    hospital, or the program looks outside for the event's category) also the other programs'
    supporters who agreed to be shared (`Supporter.shared_across_programs`). The installation's
    whole active team is kept in memory, and the program's part taken from it.

    Kept per day as well as per version: who is on call comes from the rota, and a week turns
    over with no change to the database.
    """
    global _team_cache
    version = matching_version()
    today = timezone.localdate()
    cached = _team_cache
    by_supporter: dict[int, SupporterFacts] | None = None
    if (cached is not None and version is not None and cached.default_limit == program.default_case_limit
            and cached.day == today):
        if cached.version == version:
            return (_with_shared(cached.by_program, program.program_id, outside),
                    (cached.version, cached.default_limit, cached.day, program.program_id or 0, outside))
        touched = _changed_since(cached, version)
        if touched is not None:
            # Only the supporters the changes since name: two small queries, not the whole team.
            fresh = _load_facts(_active(Supporter.objects.filter(pk__in=touched)), program.default_case_limit)
            by_supporter = {pk: facts for pk, facts in cached.by_supporter.items() if pk not in touched}
            by_supporter.update(fresh)
            by_supporter = dict(sorted(by_supporter.items()))
    if by_supporter is None:
        by_supporter = _load_facts(_active(Supporter.objects.all()), program.default_case_limit)
    facts = list(by_supporter.values())
    by_program = _by_program(facts)
    team = _with_shared(by_program, program.program_id, outside)
    if version is None or connection.in_atomic_block:
        return team, None
    _team_cache = _Team(version, program.default_case_limit, today, by_supporter, facts, by_program)
    return team, (version, program.default_case_limit, today, program.program_id or 0, outside)


def active_supporter_facts(program: ProgramSettings) -> list[SupporterFacts]:
    """The active team's facts, from this process's memory while the matching version (one
    small query) has not moved since they were loaded; else loaded again (two queries).

    The version is read before the facts, so facts stored under it are never older than it;
    and stored only outside a transaction, where the version read is a committed one (a
    transaction's own bump could be rolled back, and its number reused by other changes).
    """
    return _active_team(program)[0]


def active_team_table(program: ProgramSettings, rules: Rules,
                      outside: bool = False) -> tuple[list[SupporterFacts], SupporterTable]:
    """The active team's facts and their `SupporterTable` at `rules.now`: the table is kept
    with the facts, one per day, and moved to the moment (`SupporterTable.at`). With `outside`,
    the other programs' shared supporters too (`looks_outside`)."""
    global _table_cache
    facts, key = _active_team(program, outside)
    if key is None:
        return facts, SupporterTable.build(facts, rules).at(rules.now)
    day = (*key, rules.now.date(), rules.now.tzinfo is not None)
    cached = _table_cache
    if cached is not None and cached[0] == day:
        return facts, cached[1].at(rules.now)
    table = SupporterTable.build(facts, rules)
    _table_cache = (day, table)
    return facts, table.at(rules.now)


def looks_outside(case: Case, program: ProgramSettings) -> bool:
    """Whether the case is offered the other programs' shared supporters: the peer asked for someone
    from outside their hospital, or the program looks outside for this kind of event."""
    return case.wants_outside_supporter or program.looks_outside_for(case.referral.category)


def continuity_filter(now: datetime, reengaged_ids: Iterable[int] = ()) -> Q:
    """The peer's earlier cases that count for continuity: open, closed within
    `CONTINUITY_DAYS`, or the case a re-engagement comes back to; never a purged one."""
    recent = ~Q(state=CaseState.CLOSED) | Q(closed_at__gte=now - timedelta(days=CONTINUITY_DAYS))
    return (recent | Q(pk__in=list(reengaged_ids))) & Q(purged_at__isnull=True)


# A peer with a supporter record in one of these is on the team: their close colleagues there
# are kept from their cases (`facts.CaseFacts.peer_is_supporter`).
TEAM_STATUSES = (SupporterStatus.IN_TRAINING, SupporterStatus.ACTIVE, SupporterStatus.PAUSED)


def _supporter_peers(peer_ids: set[int]) -> tuple[set[int], dict[int, frozenset[int]]]:
    """Which peers are supporters themselves, and for each the people (person ids) on their
    on-call teams: one query, and one more only when such a peer is on an on-call team."""
    if not peer_ids:
        return set(), {}
    rows = list(Supporter.objects.filter(person_id__in=peer_ids, status__in=TEAM_STATUSES)
                .values_list("person_id", "on_call_memberships__team_id"))
    teams_of: dict[int, set[int]] = {}
    for person_id, team_id in rows:
        teams_of.setdefault(person_id, set())
        if team_id is not None:
            teams_of[person_id].add(team_id)
    team_ids = {team_id for teams in teams_of.values() for team_id in teams}
    members: dict[int, set[int]] = {}
    if team_ids:
        for team_id, person_id in OnCallMember.objects.filter(team_id__in=team_ids).values_list(
            "team_id", "supporter__person_id"
        ):
            members.setdefault(team_id, set()).add(person_id)
    mates = {
        person_id: frozenset(mate for team_id in teams for mate in members.get(team_id, ()) if mate != person_id)
        for person_id, teams in teams_of.items()
    }
    return set(teams_of), mates


def case_facts_for(cases: list[Case]) -> list[CaseFacts]:
    """Facts for cases (peer and referral already joined), in four queries however many:
    the hand-backs, the cases of the same referrals (who else is involved, and who supports
    them), the peers' earlier cases (continuity), and which peers are supporters themselves
    (a fifth when one of them is on an on-call team: their team mates)."""
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
    supporter_peers, team_mates = _supporter_peers({case.peer_id for case in cases if case.peer_id is not None})
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
            peer_is_supporter=case.peer_id in supporter_peers,
            peer_team_mates=team_mates.get(case.peer_id or 0, frozenset()),
            program_id=case.program_id,
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


def suggestions_for_case(
    case: Case, program: ProgramSettings | None = None, *, limit: int | None = None
) -> list[Suggestion]:
    """The eligible supporters for the case, best first: the first `limit` (every one when
    None), each with its reasons. Scored in bulk (`ranking.rank`); only the supporters
    returned get their reasons written."""
    program = program or ProgramSettings.for_program(case.program_id)
    [facts] = case_facts_for([case])
    rules = rules_for(program)
    # Supporters held back by the one-peer-per-event rule are not suggested (see
    # `matching_for_case` for who they are).
    ranking = rank(facts, active_team_table(program, rules, looks_outside(case, program))[1], rules)
    return ranking.suggestions(limit)


def suggestion_place(case: Case, supporter: Supporter, program: ProgramSettings) -> tuple[Suggestion, int] | None:
    """The supporter as one of the case's suggestions and their place (0 is first), or None
    when they are not suggested. Nobody else is sorted or explained: the place is the number
    of suggested supporters who come before them."""
    [facts] = case_facts_for([case])
    rules = rules_for(program)
    table = active_team_table(program, rules, looks_outside(case, program))[1]
    found = place_of(facts, table, rules, supporter.person_id)
    if found is None:
        return None
    row, place = found
    points, reasons = score(facts, table.supporters[row], rules)
    return Suggestion(facts.case_id, table.supporters[row], points, reasons), place


@dataclass(frozen=True)
class AssignmentChecks:
    # The hard rules the supporter breaks for the case (never overridden).
    violations: list[str]
    # The colleague's case of the same referral they already support, when the program's
    # one-peer-per-event rule is on (overridden only with a recorded reason).
    same_event_case_id: int | None


def assignment_checks(case: Case, supporter: Supporter, program: ProgramSettings) -> AssignmentChecks:
    [facts] = case_facts_for([case])
    limit = program.default_case_limit
    if supporter.person.program_id != program.program_id:
        # A shared supporter of another program: their own program's default case limit.
        limit = ProgramSettings.for_program(supporter.person.program_id).default_case_limit
    [candidate] = load_supporter_facts(Supporter.objects.filter(pk=supporter.pk), limit)
    rules = rules_for(program)
    return AssignmentChecks(hard_rule_violations(facts, candidate, rules), same_event_case(facts, candidate, rules))


def plan_assignment_checks(pairs: list[tuple[Case, Supporter]], program: ProgramSettings) -> list[AssignmentChecks]:
    """`assignment_checks` for each (case, supporter) of a plan, as if they were assigned one
    after another in this order, in five queries however many: each assignment counts for the
    ones after it (the supporter has one more open case, and now supports a colleague from that
    event)."""
    if not pairs:
        return []
    rules = rules_for(program)
    facts = case_facts_for([case for case, _ in pairs])
    team = load_supporter_facts(Supporter.objects.filter(pk__in={supporter.pk for _, supporter in pairs}),
                                program.default_case_limit)
    candidates = {candidate.person.person_id: candidate for candidate in team}
    # referral id -> {supporter's person id: case id}, for the assignments checked so far.
    taken: dict[int, dict[int, int]] = {}
    checks = []
    for (case, supporter), case_facts in zip(pairs, facts, strict=True):
        candidate = candidates[supporter.person_id]
        earlier = taken.setdefault(case.referral_id, {})
        case_facts = replace(case_facts, same_event_supporters={**case_facts.same_event_supporters, **earlier})
        checks.append(AssignmentChecks(hard_rule_violations(case_facts, candidate, rules),
                                       same_event_case(case_facts, candidate, rules)))
        candidates[supporter.person_id] = replace(candidate, open_cases=candidate.open_cases + 1)
        earlier.setdefault(supporter.person_id, case.pk)
    return checks


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

    # The first suggestions (those on the page), best first: the first `SUGGESTION_COUNT` with
    # their reasons, the next `OTHER_ELIGIBLE_SHOWN` with their score only.
    suggestions: list[Suggestion]
    # Passing every hard rule, but already supporting a colleague from the same event.
    held_back: list[HeldBack] = field(default_factory=list)
    # The peer's wishes as (label, value), and each one no eligible supporter meets, with why.
    wishes: list[tuple[str, str]] = field(default_factory=list)
    unmet_wishes: list[UnmetWish] = field(default_factory=list)
    # The peer's earlier supporters (continuity), latest case first.
    earlier_supporters: list[EarlierSupporter] = field(default_factory=list)
    # How many supporters are suggested in all (`suggestions` holds the first of them).
    eligible_count: int = 0


def matching_for_case(case: Case, program: ProgramSettings | None = None) -> CaseMatching:
    """The suggestions for the case, and what explains them: the supporters held back by the
    one-peer-per-event rule, the peer's unmet wishes, and whether the peer's earlier
    supporters can be suggested. One more query than the suggestions alone, and only when the
    peer has an earlier supporter who is not on the active team."""
    program = program or ProgramSettings.for_program(case.program_id)
    [facts] = case_facts_for([case])
    rules = rules_for(program)
    team, table = active_team_table(program, rules, looks_outside(case, program))
    ranking = rank(facts, table, rules)
    return CaseMatching(
        suggestions=ranking.suggestions(SUGGESTION_COUNT + OTHER_ELIGIBLE_SHOWN, explain=SUGGESTION_COUNT),
        held_back=ranking.held_back(),
        wishes=wishes_for_display(facts.preferences),
        unmet_wishes=unmet_wishes_among(facts, team, ranking.suggested_people(), rules),
        earlier_supporters=_earlier_supporters_now(facts, team, rules, program, ranking),
        eligible_count=len(ranking),
    )


def _earlier_supporters_now(
    facts: CaseFacts,
    team: list[SupporterFacts],
    rules: Rules,
    program: ProgramSettings,
    ranking: Ranking,
) -> list[EarlierSupporter]:
    if not facts.previous_supporter_cases:
        return []
    ranks = ranking.places(set(facts.previous_supporter_cases))
    wanted = set(facts.previous_supporter_cases)
    known = {s.person.person_id: s for s in team if s.person.person_id in wanted}
    missing = wanted - set(known)
    if missing:
        # Off the active team (paused, retired, left the roster): one query for all of them.
        loaded = load_supporter_facts(Supporter.objects.filter(person_id__in=missing), program.default_case_limit)
        known.update((s.person.person_id, s) for s in loaded)
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
    """The best joint assignment of the referral's unassigned cases of one program (the default
    program's without `program`): case id -> suggestion, among that program's supporters."""
    program = program or ProgramSettings.current()
    cases = list(
        Case.objects.filter(referral_id=referral_id, state=CaseState.AWAITING_ASSIGNMENT,
                            program_id=program.program_id or 0)
        .select_related("peer", "referral")
        .order_by("pk")
    )
    if not cases:
        return {}
    return plan(case_facts_for(cases), active_supporter_facts(program), rules_for(program))
