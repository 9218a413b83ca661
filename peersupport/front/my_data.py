"""What the program holds about the signed-in person (a subject-access page: `/my/data/`).

- their login and their roster entry; whether they are a supporter, with their supporter fields
  and how many cases they hold (never the other peers in them);
- their own cases as a peer: state, dates, category, the one sentence, and the structured record
  of the support (outreach, answers, conversations, resources): it is their own data;
- the referrals they made, as receipts only: number, time, how many clinicians. Never what
  became of the people they referred (referrer blindness);
- who opened their cases, and when, from the audit trail; and the emails and texts the program sent them.

Showing the page is itself audited, as a read of each of their cases.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from peersupport.accounts.models import User
from peersupport.audit.labels import action_label
from peersupport.audit.models import AuditEntry
from peersupport.audit.services import audit_record, audit_record_many
from peersupport.cases.access import cases_of_subject, supporter_case_counts
from peersupport.cases.models import Case, Encounter, GuideTopic
from peersupport.notifications.channels import text_address
from peersupport.notifications.models import Channel, OutboxMessage
from peersupport.referrals.access import referrals_made_by
from peersupport.referrals.models import Referral
from peersupport.roster.models import Experience, Person, Supporter

# How many rows of the access log and of the emails the page lists (newest first).
MAX_ROWS = 200

# Who is named for an entry without a login: a request from someone not signed in (only ever a
# refused one, where a case is concerned), or one of the program's scheduled jobs.
NOT_SIGNED_IN = "Someone not signed in"
PROGRAM_JOBS = "The program's own jobs"
REQUEST_ORIGINS = frozenset({"web", "api"})


@dataclass
class Access:
    at: object
    who: str
    role: str
    what: str
    via: str


@dataclass
class Conversation:
    """One conversation as the peer reads it: that it happened, with whom, never what was said."""

    held_on: date
    held_by: str
    minutes: int
    mode: str
    topics: list[str]
    follow_up_planned: bool


@dataclass
class HeldCase:
    """One of the person's own cases, with its conversations."""

    case: Case
    conversations: list[Conversation]


@dataclass
class SubjectData:
    user: User
    person: Person | None
    supporter: Supporter | None = None
    supporter_experience: list[str] = field(default_factory=list)
    supporter_open_cases: int = 0
    supporter_all_cases: int = 0
    cases: list[HeldCase] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    accesses: list[Access] = field(default_factory=list)
    access_total: int = 0
    emails: list[OutboxMessage] = field(default_factory=list)


def _who(entry: AuditEntry, user: User) -> tuple[str, str]:
    actor = entry.actor
    if actor is None:
        if entry.actor_label and entry.actor_label != "anonymous":
            return entry.actor_label, ""
        # The audit trail marks both with "anonymous"; where the entry came from tells them apart.
        return (NOT_SIGNED_IN if entry.via in REQUEST_ORIGINS else PROGRAM_JOBS), ""
    if actor.pk == user.pk:
        return "You", actor.get_role_display()
    name = actor.person.name if actor.person is not None else actor.email
    return name, actor.get_role_display()


def _cases(user: User) -> list[HeldCase]:
    cases = (
        cases_of_subject(user)
        .select_related("referral", "supporter__person")
        .prefetch_related("encounters", "outreach_attempts", "responses", "resource_shares__resource",
                          "assignments__supporter__person")
        .order_by("-created_at", "-pk")
    )
    return [
        HeldCase(case=case, conversations=[_conversation(case, encounter) for encounter in case.encounters.all()])
        for case in cases
    ]


def _conversation(case: Case, encounter: Encounter) -> Conversation:
    return Conversation(
        held_on=encounter.held_on,
        held_by=_held_by(case, encounter),
        minutes=encounter.minutes,
        mode=encounter.get_mode_display(),
        topics=[str(GuideTopic(t).label) for t in encounter.topics if t in GuideTopic.values],
        follow_up_planned=encounter.follow_up_planned,
    )


def _held_by(case: Case, encounter: Encounter) -> str:
    """The supporter who held the conversation: the case's supporter on that day.

    Not whoever recorded it (a director may record a conversation for the supporter). A case
    handed back and assigned again had another supporter before; the latest assignment made by
    the end of that day says whose it was, and the case's first supporter answers for a day
    before any assignment.
    """
    assignments = sorted(case.assignments.all(), key=lambda a: (a.assigned_at, a.pk))
    on_the_day = [a for a in assignments if _local_date(a.assigned_at) <= encounter.held_on]
    assignment = on_the_day[-1] if on_the_day else (assignments[0] if assignments else None)
    if assignment is not None:
        return assignment.supporter.person.name
    return case.supporter.person.name if case.supporter is not None else ""


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def _accesses(user: User, case_ids: list[int]) -> tuple[list[Access], int]:
    entries = AuditEntry.objects.filter(object_type="case", object_id__in=[str(pk) for pk in case_ids])
    total = entries.count()
    rows = []
    for entry in entries.select_related("actor__person").order_by("-at", "-pk")[:MAX_ROWS]:
        who, role = _who(entry, user)
        rows.append(Access(at=entry.at, who=who, role=role, what=action_label(entry.action), via=entry.via))
    return rows, total


def subject_data(user: User) -> SubjectData:
    """Everything the page shows; audits the showing (one entry, and one per case shown).

    Cases and referrals come through their gates (`cases_of_subject`, `supporter_case_counts`,
    `referrals_made_by`), which give a login its own and nothing else.
    """
    person = user.person if user.person_id else None
    data = SubjectData(user=user, person=person)
    data.referrals = list(referrals_made_by(user).order_by("-received_at", "-pk"))
    addresses = {user.email.lower()}
    if person is not None:
        if person.email:
            addresses.add(person.email.lower())
        data.supporter = Supporter.objects.filter(person=person).first()
        if data.supporter is not None:
            data.supporter_experience = [
                str(Experience(e).label) for e in data.supporter.experience if e in Experience.values
            ]
            data.supporter_open_cases, data.supporter_all_cases = supporter_case_counts(user)
        data.cases = _cases(user)
        data.accesses, data.access_total = _accesses(user, [held.case.pk for held in data.cases])
    mail = Q()
    for address in addresses:
        mail |= Q(to__iexact=address)
    if person is not None and (number := text_address(person.phone)):
        # The texts to the phone on their roster entry (a supporter's notices of new peers).
        mail |= Q(channel=Channel.TEXT, to=number)
    data.emails = list(OutboxMessage.objects.filter(mail).order_by("-created_at", "-pk")[:MAX_ROWS])

    audit_record(actor=user, action="subject_access.view", object_type="user", object_id=user.pk,
                 detail={"cases": len(data.cases), "referrals": len(data.referrals)})
    if data.cases:
        audit_record_many(actor=user, action="case.subject_view", object_type="case",
                          object_ids=[held.case.pk for held in data.cases])
    return data
