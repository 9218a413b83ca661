"""What the program holds about the signed-in person (a subject-access page: `/my/data/`).

- their login and their roster entry; whether they are a supporter, with their supporter fields
  and how many cases they hold (never the other peers in them);
- their own cases as a peer: state, dates, category, the one sentence, and the structured record
  of the support (outreach, answers, conversations, resources): it is their own data;
- the referrals they made, as receipts only: number, time, how many clinicians. Never what
  became of the people they referred (referrer blindness);
- who opened their cases, and when, from the audit trail; and the emails the program sent them.

Showing the page is itself audited, as a read of each of their cases.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from peersupport.accounts.models import User
from peersupport.audit.models import AuditEntry
from peersupport.audit.services import audit_record, audit_record_many
from peersupport.cases.models import HOLDING_STATES, Case, GuideTopic
from peersupport.notifications.models import OutboxMessage
from peersupport.referrals.models import Referral
from peersupport.roster.models import Experience, Person, Supporter

# How many rows of the access log and of the emails the page lists (newest first).
MAX_ROWS = 200

ACTION_LABELS = {
    "case.view": "Opened the case",
    "case.list": "Saw it in a list of cases",
    "case.subject_view": "You looked at it on this page",
    "case.assigned": "Assigned a supporter",
    "case.closed": "Closed the case",
}


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    words = action.split(".", 1)[-1].replace("_", " ")
    return words[:1].upper() + words[1:]


@dataclass
class Access:
    at: object
    who: str
    role: str
    what: str
    via: str


@dataclass
class SubjectData:
    user: User
    person: Person | None
    supporter: Supporter | None = None
    supporter_experience: list[str] = field(default_factory=list)
    supporter_open_cases: int = 0
    supporter_all_cases: int = 0
    cases: list[Case] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    accesses: list[Access] = field(default_factory=list)
    access_total: int = 0
    emails: list[OutboxMessage] = field(default_factory=list)


def _who(entry: AuditEntry, user: User) -> tuple[str, str]:
    actor = entry.actor
    if actor is None:
        return (entry.actor_label if entry.actor_label != "anonymous" else "The program's own jobs"), ""
    if actor.pk == user.pk:
        return "You", actor.get_role_display()
    name = actor.person.name if actor.person is not None else actor.email
    return name, actor.get_role_display()


def _cases(person: Person) -> list[Case]:
    cases = list(
        Case.objects.filter(peer=person)
        .select_related("referral", "supporter__person")
        .prefetch_related("encounters", "outreach_attempts", "responses", "resource_shares__resource")
        .order_by("-created_at", "-pk")
    )
    for case in cases:
        for encounter in case.encounters.all():
            encounter.topic_labels = [  # type: ignore[attr-defined]  # for the template, beside the encounter
                GuideTopic(t).label for t in encounter.topics if t in GuideTopic.values]
    return cases


def _accesses(user: User, case_ids: list[int]) -> tuple[list[Access], int]:
    entries = AuditEntry.objects.filter(object_type="case", object_id__in=[str(pk) for pk in case_ids])
    total = entries.count()
    rows = []
    for entry in entries.select_related("actor__person").order_by("-at", "-pk")[:MAX_ROWS]:
        who, role = _who(entry, user)
        rows.append(Access(at=entry.at, who=who, role=role, what=action_label(entry.action), via=entry.via))
    return rows, total


def subject_data(user: User) -> SubjectData:
    """Everything the page shows; audits the showing (one entry, and one per case shown)."""
    person = user.person if user.person_id else None
    data = SubjectData(user=user, person=person)
    data.referrals = list(Referral.objects.filter(referred_by=user).order_by("-received_at", "-pk"))
    addresses = {user.email.lower()}
    if person is not None:
        if person.email:
            addresses.add(person.email.lower())
        data.supporter = Supporter.objects.filter(person=person).first()
        if data.supporter is not None:
            data.supporter_experience = [
                Experience(e).label for e in data.supporter.experience if e in Experience.values
            ]
            held = Case.objects.filter(supporter=data.supporter).aggregate(
                open=Count("pk", filter=Q(state__in=HOLDING_STATES)), all=Count("pk"))
            data.supporter_open_cases, data.supporter_all_cases = held["open"], held["all"]
        data.cases = _cases(person)
        data.accesses, data.access_total = _accesses(user, [case.pk for case in data.cases])
    mail = Q()
    for address in addresses:
        mail |= Q(to__iexact=address)
    data.emails = list(OutboxMessage.objects.filter(mail).order_by("-created_at", "-pk")[:MAX_ROWS])

    audit_record(actor=user, action="subject_access.view", object_type="user", object_id=user.pk,
                 detail={"cases": len(data.cases), "referrals": len(data.referrals)})
    if data.cases:
        audit_record_many(actor=user, action="case.subject_view", object_type="case",
                          object_ids=[case.pk for case in data.cases])
    return data
