"""Referral intake: one referral per event, one case per involved clinician."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone

from peersupport.accounts.models import Role, User
from peersupport.audit.services import audit_record, audit_record_many, audited_atomic
from peersupport.cases.models import Case, CaseState
from peersupport.lib.errors import InvalidInput
from peersupport.notifications.emails import render_new_referral_email
from peersupport.notifications.services import outbox_enqueue
from peersupport.program.models import ProgramSettings
from peersupport.referrals.models import SUMMARY_MAX_LENGTH, Category, Referral, Source
from peersupport.roster.models import Person, RoleType

PREFERENCE_KEYS = ("gender", "specialty", "role_type")
MAX_INVOLVED = 500


@dataclass(frozen=True)
class ReferralInput:
    category: str
    occurred_on: date
    summary: str
    involved_employee_ids: list[str]
    source: str
    interventional: bool = False
    external_ref: str = ""
    preferences: dict[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """Identifies the request body, so a reused Idempotency-Key with a new body is caught."""
        canonical = json.dumps(
            {
                "category": self.category,
                "occurred_on": self.occurred_on.isoformat(),
                "summary": self.summary,
                "involved": self.involved_employee_ids,
                "source": self.source,
                "interventional": self.interventional,
                "external_ref": self.external_ref,
                "preferences": self.preferences,
            },
            sort_keys=True,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


def clean_summary(summary: str) -> str:
    summary = " ".join((summary or "").split())
    if not summary:
        raise InvalidInput("The description is required: one non-clinical sentence.")
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise InvalidInput(
            f"The description is {len(summary)} characters; keep it to one sentence of at most "
            f"{SUMMARY_MAX_LENGTH} characters, with no patient details."
        )
    return summary


def _validate(data: ReferralInput, program: ProgramSettings) -> tuple[str, list[Person]]:
    if data.category not in Category.values:
        raise InvalidInput(f"Unknown category {data.category!r}; use one of {', '.join(Category.values)}.")
    if data.source not in Source.values:
        raise InvalidInput(f"Unknown source {data.source!r}; use one of {', '.join(Source.values)}.")
    if data.occurred_on > timezone.localdate() + timedelta(days=1):
        raise InvalidInput("The event's date is in the future.")
    summary = clean_summary(data.summary)
    unknown_keys = set(data.preferences) - set(PREFERENCE_KEYS)
    if unknown_keys:
        raise InvalidInput(f"Unknown preference {sorted(unknown_keys)[0]!r}; use {', '.join(PREFERENCE_KEYS)}.")

    wanted = list(dict.fromkeys(e.strip() for e in data.involved_employee_ids if e and e.strip()))
    if not wanted:
        raise InvalidInput("Name at least one involved clinician.")
    if len(wanted) > MAX_INVOLVED:
        raise InvalidInput(f"At most {MAX_INVOLVED} clinicians in one referral.")
    people = {p.employee_id: p for p in Person.objects.filter(employee_id__in=wanted)}
    unknown = [e for e in wanted if e not in people]
    if unknown:
        raise InvalidInput(f"Unknown employee_id: {', '.join(unknown)}.")
    inactive = [e for e in wanted if not people[e].active]
    if inactive:
        raise InvalidInput(f"Not active on the roster: {', '.join(inactive)}.")
    served = set(program.served_role_types)
    unserved = [e for e in wanted if people[e].role_type not in served]
    if unserved:
        labels = ", ".join(RoleType(r).label.lower() + "s" for r in program.served_role_types)
        raise InvalidInput(
            f"The program does not serve the professional role of: {', '.join(unserved)} "
            f"(it currently serves {labels})."
        )
    return summary, [people[e] for e in wanted]


def referral_create(
    *, referred_by: User | None, data: ReferralInput, idempotency_key: str | None = None,
    self_person: Person | None = None, reengagement_of: Case | None = None,
) -> tuple[Referral, bool]:
    """Record a referral and open a case per involved clinician. Returns (referral, created).

    The same idempotency key with the same body answers the existing referral and creates
    nothing; with a different body it is refused.

    `self_person`: a peer asking for themself with no login (`referred_by=None`), proven by a
    personal link (peersupport.support). `reengagement_of`: the earlier case they come back from.
    """
    program = ProgramSettings.current()
    fingerprint = data.fingerprint()
    if idempotency_key and referred_by is not None:
        existing = _existing(referred_by, idempotency_key, fingerprint)
        if existing:
            return existing, False
    summary, people = _validate(data, program)
    if self_person is not None:
        if data.source not in (Source.SELF, Source.SAFETY_REPORT_OPT_IN) or [p.pk for p in people] != [self_person.pk]:
            raise InvalidInput("A request through a personal link names exactly one clinician: yourself.")
    elif referred_by is None:
        raise InvalidInput("A referral needs the login that makes it.")
    elif data.source == Source.SELF and not (
        referred_by.person_id and [p.pk for p in people] == [referred_by.person_id]
    ):
        raise InvalidInput("A self-referral names exactly one clinician: yourself.")
    try:
        with audited_atomic():
            referral = _create(referred_by, data, summary, people, program, idempotency_key, fingerprint,
                               reengagement_of)
    except IntegrityError:
        # A concurrent request with the same key won the race: answer what it created.
        existing = (_existing(referred_by, idempotency_key, fingerprint)
                    if idempotency_key and referred_by is not None else None)
        if existing is None:
            raise
        return existing, False
    return referral, True


def _existing(user: User, key: str, fingerprint: str) -> Referral | None:
    referral = Referral.objects.filter(referred_by=user, idempotency_key=key).first()
    if referral is not None and referral.request_fingerprint != fingerprint:
        raise InvalidInput("This Idempotency-Key was already used with a different request body.")
    return referral


def _create(
    user: User | None,
    data: ReferralInput,
    summary: str,
    people: list[Person],
    program: ProgramSettings,
    idempotency_key: str | None,
    fingerprint: str,
    reengagement_of: Case | None = None,
) -> Referral:
    now = timezone.now()
    referral = Referral.objects.create(
        category=data.category,
        occurred_on=data.occurred_on,
        summary=summary,
        interventional=data.interventional,
        external_ref=data.external_ref.strip(),
        source=data.source,
        referred_by=user,
        received_at=now,
        involved_count=len(people),
        preferences={k: v for k, v in data.preferences.items() if v},
        idempotency_key=idempotency_key or None,
        request_fingerprint=fingerprint,
    )
    due = now + timedelta(hours=program.assignment_due_hours)
    earlier = _latest_closed_cases([person.pk for person in people])
    if reengagement_of is not None and reengagement_of.peer_id in {person.pk for person in people}:
        # The case the peer comes back from, even if it is still waiting to be closed.
        earlier[int(reengagement_of.peer_id or 0)] = reengagement_of.pk
    cases = Case.objects.bulk_create(
        Case(referral=referral, peer=person, created_at=now, next_due_at=due,
             reengagement_of_id=earlier.get(person.pk))
        for person in people
    )
    audit_record(actor=user, action="referral.create", obj=referral,
                 detail={"involved_count": len(people), "source": data.source})
    audit_record_many(actor=user, action="case.create", object_type="case",
                      object_ids=[case.pk for case in cases], detail={"referral": referral.pk})
    subject, body = render_new_referral_email(len(cases))
    for director in User.objects.filter(role=Role.DIRECTOR, is_active=True).only("email"):
        outbox_enqueue(kind="new_referral", to=director.email, subject=subject, body=body)
    return referral


def _latest_closed_cases(person_ids: list[int]) -> dict[int, int]:
    """Each person's most recent closed case, if any: a peer coming back is re-engaging (one query)."""
    latest: dict[int, int] = {}
    rows = (
        Case.objects.filter(peer_id__in=person_ids, state=CaseState.CLOSED)
        .order_by("peer_id", F("closed_at").desc(nulls_last=True), "-pk")
        .values_list("peer_id", "pk")
    )
    for peer_id, case_id in rows:
        latest.setdefault(peer_id, case_id)
    return latest
