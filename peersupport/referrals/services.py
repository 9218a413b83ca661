"""Referral intake: one referral per event, one case per involved clinician.

Every path in (the referral form, the self-referral form, the API) calls `referral_create`, so
every rule lives here (or in a module called from here): the sentence without patient details
(`summary_check`), wishes from fixed lists and only on a self-referral, the external reference's
pattern, the event's date, who may be referred, and one open case per clinician. All problems
are collected and refused together (`ReferralRefused`), each with where it is and in plain words.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import User
from peersupport.audit.services import SAFETY_REPORTING_SYSTEM, Entry, audit_record_all
from peersupport.cases.models import OPEN_STATES, Case, CaseReferralLink, CaseState
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.notifications.emails import render_new_referral_email
from peersupport.notifications.services import Draft, outbox_enqueue_all
from peersupport.program.models import Program, ProgramSettings, served_roles_by_program
from peersupport.program.staff import director_audience, in_each_language
from peersupport.referrals import idempotency
from peersupport.referrals.models import (
    SUMMARY_MAX_LENGTH,
    Category,
    GenderPreference,
    HospitalPreference,
    Referral,
    Source,
)
from peersupport.referrals.summary_check import summary_findings
from peersupport.roster.models import Person, RoleType, Supporter, SupporterStatus

# "hospital" (`HospitalPreference`): the peer would rather talk with someone from another hospital.
PREFERENCE_KEYS = ("gender", "specialty", "role_type", "hospital")
MAX_INVOLVED = 500
# An event more than this many years ago is refused: far more often a mistyped year (1926 for
# 2026) than a real event. Litigation, which can come years after the care in question, is
# referred with the date the clinician was served or named; the sentence can say how long ago
# the care was ("care given six years ago").
EVENT_MAX_AGE_YEARS = 10
SPECIALTY_CHOICES_MAX = 300
# The sources of a request through a personal link (no login): asking for oneself, from a safety
# report's opt-in box, or from the follow-up email after a group debrief.
LINK_SOURCES = (Source.SELF, Source.SAFETY_REPORT_OPT_IN, Source.GROUP_DEBRIEF)


@dataclass(frozen=True)
class ReferralInput:
    category: str
    occurred_on: date | None  # None only while a form with a bad date is checked for other problems
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
                "occurred_on": self.occurred_on.isoformat() if self.occurred_on else None,
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


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a referral: where (`loc`, in the API body's terms), in plain words."""

    loc: tuple[str | int, ...]
    message: str
    code: str

    def as_error(self) -> dict[str, object]:
        return {"loc": list(self.loc), "msg": self.message, "type": self.code}


class ReferralRefused(InvalidInput):
    """Every problem of a referral at once; nothing was created."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(" ".join(p.message for p in problems), errors=[p.as_error() for p in problems])
        self.problems = problems


def tidy_summary(summary: str) -> str:
    return " ".join((summary or "").split())


def clean_summary(summary: str) -> str:
    """The sentence with spaces tidied; refused (with every reason) if it breaks a rule."""
    problems: list[Problem] = []
    summary = _check_summary(summary, problems)
    if problems:
        raise ReferralRefused(problems)
    return summary


def _check_summary(summary: str, problems: list[Problem]) -> str:
    loc = ("event", "summary")
    summary = tidy_summary(summary)
    if not summary:
        problems.append(Problem(loc, _("The description is required: one non-clinical sentence about "
                                       "what kind of event it was."), "summary.required"))
        return summary
    if len(summary) > SUMMARY_MAX_LENGTH:
        problems.append(Problem(loc, _("The description is %(length)s characters; keep it to one "
                                       "sentence of at most %(limit)s characters, with no "
                                       "patient details.") % {"length": len(summary), "limit": SUMMARY_MAX_LENGTH},
                                "summary.too_long"))
    # Far too long is refused anyway; the patterns read a bounded text, however much was sent.
    for finding in summary_findings(summary[:SUMMARY_MAX_LENGTH * 2], _names_of_referable_people):
        problems.append(Problem(loc, finding.message, f"summary.{finding.rule}"))
    return summary


def _names_of_referable_people(candidates: list[str]) -> list[str]:
    """Which of these capitalized word runs are names on the roster: one indexed query.

    Only people the referral form's type-ahead would show are looked at, so a refusal tells
    nothing about anyone else on the roster: in a health system, anyone active in a role their
    own program serves (each program's settings, whichever program the peers are in: a
    colleague from another hospital named in the sentence is named all the same).
    """
    return list(Person.objects.referable_in_their_program().filter(name__in=candidates)
                .values_list("name", flat=True))


def specialty_choices() -> list[str]:
    """The specialties a self-referral may wish for: those of the program's active supporters."""
    return list(
        Supporter.objects.filter(status=SupporterStatus.ACTIVE, person__active=True)
        .exclude(person__specialty="")
        .order_by("person__specialty")
        .values_list("person__specialty", flat=True)
        .distinct()[:SPECIALTY_CHOICES_MAX]
    )


def _is_specialty_choice(specialty: str) -> bool:
    return Supporter.objects.filter(
        status=SupporterStatus.ACTIVE, person__active=True, person__specialty=specialty
    ).exists()


def earliest_event_date(today: date) -> date:
    try:
        return today.replace(year=today.year - EVENT_MAX_AGE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - EVENT_MAX_AGE_YEARS, day=28)


def _check_event(data: ReferralInput, problems: list[Problem]) -> None:
    if data.category not in Category.values:
        labels = ", ".join(label.lower() for label in Category.labels)
        message = (_("Choose the kind of event.") if not data.category else
                   _("“%(category)s” is not a kind of event the program knows; choose one of: %(labels)s.")
                   % {"category": data.category, "labels": labels})
        problems.append(Problem(("event", "category"), message, "category.unknown"))
    if data.source not in Source.values:
        labels = ", ".join(Source.values)
        problems.append(Problem(("source",), f"“{data.source}” is not a source the program knows; "
                                             f"use one of: {labels}.", "source.unknown"))
    _check_date(data.occurred_on, problems)
    external_ref = data.external_ref.strip()
    if external_ref and not re.fullmatch(settings.EXTERNAL_REF_PATTERN, external_ref):
        problems.append(Problem(
            ("event", "external_ref"),
            f"The external reference “{external_ref[:60]}” is not in the form the program accepts "
            f"({_external_ref_form()}). Send the safety report's own reference, "
            "never a patient's record number.",
            "external_ref.pattern",
        ))


def _external_ref_form() -> str:
    if settings.EXTERNAL_REF_PATTERN == settings.DEFAULT_EXTERNAL_REF_PATTERN:
        return "letters, digits and - _ / . only, at most 40 characters"
    return f"it must match {settings.EXTERNAL_REF_PATTERN}"


def _check_date(occurred_on: date | None, problems: list[Problem]) -> None:
    loc = ("event", "occurred_on")
    if occurred_on is None:
        problems.append(Problem(loc, _("Give the date of the event."), "occurred_on.required"))
        return
    # The program's calendar decides: a referrer in a time zone ahead of it may have to give
    # the program's today for an event just after their midnight (the message says which day).
    today = timezone.localdate()
    if occurred_on > today:
        day_format = _("F j, Y")
        problems.append(Problem(loc, _("The event's date (%(date)s) is in the future: today is %(today)s "
                                       "in the program's time zone.")
                                % {"date": dateformat.format(occurred_on, day_format),
                                   "today": dateformat.format(today, day_format)},
                                "occurred_on.future"))
    elif occurred_on < earliest_event_date(today):
        problems.append(Problem(loc, _("The event's date (%(year)s) is more than %(years)s years ago. "
                                       "Check the year; for a lawsuit, give the date the clinician was "
                                       "served or named.") % {"year": occurred_on.year, "years": EVENT_MAX_AGE_YEARS},
                                "occurred_on.too_old"))


def _check_preferences(data: ReferralInput, problems: list[Problem], *, for_oneself: bool) -> dict[str, str]:
    wishes = {key: value.strip() for key, value in data.preferences.items() if value and value.strip()}
    if not wishes:
        return {}
    unknown = sorted(set(wishes) - set(PREFERENCE_KEYS))
    for key in unknown:
        problems.append(Problem(("preferences", key), f"Unknown preference “{key}”: the wishes are "
                                                      f"{', '.join(PREFERENCE_KEYS)}.", "preferences.unknown"))
    if not for_oneself:
        problems.append(Problem(("preferences",), "Wishes about the supporter are taken only when "
                                                  "clinicians ask for support for themselves (source "
                                                  "“self”); a referral of a colleague carries none.",
                                "preferences.not_self"))
        return {}
    gender = wishes.get("gender")
    if gender is not None and gender not in GenderPreference.values:
        problems.append(Problem(("preferences", "gender"), _("Choose the supporter's gender from the list "
                                                             "(%(values)s), or leave it empty for no preference.")
                                % {"values": ", ".join(GenderPreference.values)},
                                "preferences.gender"))
    role_type = wishes.get("role_type")
    if role_type is not None and role_type not in RoleType.values:
        problems.append(Problem(("preferences", "role_type"), _("Choose the supporter's professional role "
                                                                "from the list (%(values)s).")
                                % {"values": ", ".join(RoleType.values)},
                                "preferences.role_type"))
    hospital = wishes.get("hospital")
    if hospital is not None and hospital not in HospitalPreference.values:
        problems.append(Problem(("preferences", "hospital"), _("Choose “%(outside)s” for a supporter from "
                                                               "outside your hospital, or leave it empty for "
                                                               "no preference.")
                                % {"outside": HospitalPreference.OUTSIDE.value},
                                "preferences.hospital"))
    specialty = wishes.get("specialty")
    if specialty is not None and not _is_specialty_choice(specialty):
        problems.append(Problem(("preferences", "specialty"), _("Choose a specialty from the list of the "
                                                                "program's supporters, or leave it empty for "
                                                                "no preference."), "preferences.specialty"))
    return {key: value for key, value in wishes.items() if key in PREFERENCE_KEYS}


def _served_roles(served_role_types: list[str]) -> str:
    labels = [RoleType(r).label.lower() + "s" for r in served_role_types]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + _(" and ") + labels[-1]


def _check_involved(data: ReferralInput, problems: list[Problem]) -> list[Person]:
    typed = [e.strip() for e in data.involved_employee_ids]
    wanted = list(dict.fromkeys(e for e in typed if e))
    if not wanted:
        problems.append(Problem(("involved",), _("Name at least one involved clinician: search for them "
                                                 "by name, or type their employee id."), "involved.required"))
        return []
    if len(wanted) > MAX_INVOLVED:
        problems.append(Problem(("involved",), _("At most %(count)s clinicians in one referral; "
                                                 "for more, send several referrals.") % {"count": MAX_INVOLVED},
                                "involved.too_many"))
        return []
    people = {p.employee_id: p for p in Person.objects.filter(employee_id__in=wanted)}
    # Each peer's own program's served roles (their case opens in it).
    served_by_program = served_roles_by_program()
    for employee_id in wanted:
        person = people.get(employee_id)
        served = served_by_program.get(person.program_id if person is not None else None) or served_by_program[None]
        loc: tuple[str | int, ...] = ("involved", typed.index(employee_id), "employee_id")
        if person is None or not person.active:
            # Someone who has left is "not found" too: the referral says nothing about them.
            problems.append(Problem(loc, _("We could not find anyone with employee id %(id)s among "
                                           "the current staff on the roster. Check the id, or search for "
                                           "them by name.") % {"id": employee_id}, "involved.unknown"))
        elif person.role_type not in served:
            problems.append(Problem(loc, _("The program does not yet serve the professional role of "
                                           "%(id)s: it currently serves %(roles)s. "
                                           "Please leave them out of this referral; their employee "
                                           "assistance program can help them, and the program office can "
                                           "say where else to turn.") % {"id": employee_id,
                                                                         "roles": _served_roles(served)},
                                "involved.role_not_served"))
    return [people[e] for e in wanted if e in people]


def referral_problems(data: ReferralInput, *, check_involved: bool = True) -> list[Problem]:
    """Every problem of a referral, without creating anything (a form shows them all at once)."""
    problems: list[Problem] = []
    _validate(data, problems, check_involved=check_involved)
    return problems


def _validate(
    data: ReferralInput, problems: list[Problem], *, check_involved: bool = True,
    for_oneself: bool | None = None,
) -> tuple[str, list[Person], dict[str, str]]:
    # No program's settings are read here: each peer is checked against their own program's
    # (`_check_involved`), and a referral may name peers of several programs.
    people = _check_involved(data, problems) if check_involved else []
    _check_event(data, problems)
    summary = _check_summary(data.summary, problems)
    if for_oneself is None:
        for_oneself = data.source == Source.SELF
    wishes = _check_preferences(data, problems, for_oneself=for_oneself)
    return summary, people, wishes


def referral_create(
    *, referred_by: User | None, data: ReferralInput, idempotency_key: str | None = None,
    self_person: Person | None = None, reengagement_of: Case | None = None,
    from_reporting_system: bool = False,
) -> tuple[Referral, bool]:
    """Record a referral and open a case per involved clinician. Returns (referral, created).

    The same idempotency key with the same body answers the existing referral and creates
    nothing; with a different body it is refused.

    `self_person`: a peer asking for themself with no login (`referred_by=None`), proven by a
    personal link (peersupport.support). `reengagement_of`: the earlier case they come back from.

    `from_reporting_system`: the safety-reporting system's signed intake (`referred_by=None`,
    the signature checked by the caller). Its `external_ref` is required and identifies the
    referral: the same reference with the same body answers the referral it made; with a
    different body, 409 and nothing changes.
    """
    fingerprint = data.fingerprint()
    if from_reporting_system:
        if referred_by is not None or self_person is not None:
            raise InvalidInput("A referral from the safety-reporting system has no login behind it.")
        if data.external_ref.strip():
            existing = _existing_intake(data.external_ref, fingerprint)
            if existing:
                return existing, False
    if idempotency_key and referred_by is not None:
        existing = _existing(referred_by, idempotency_key, fingerprint)
        if existing:
            return existing, False
    problems: list[Problem] = []
    # Asking for oneself: through a personal link, or signed in with one's own name alone (a
    # request from the safety report's opt-in box is one too). Only then are wishes taken.
    asker = self_person if self_person is not None else (referred_by.person if referred_by is not None else None)
    named = list(dict.fromkeys(e.strip() for e in data.involved_employee_ids if e.strip()))
    for_oneself = self_person is not None or data.source == Source.SELF or (
        data.source == Source.SAFETY_REPORT_OPT_IN and asker is not None
        and [e.strip() for e in data.involved_employee_ids] == [asker.employee_id]) or (
        # The reporting system's opt-in box: the reporter asks for themself, alone.
        from_reporting_system and data.source == Source.SAFETY_REPORT_OPT_IN and len(named) == 1)
    summary, people, wishes = _validate(data, problems, for_oneself=for_oneself)
    if from_reporting_system:
        _check_reporting_system(data, named, problems)
    elif self_person is not None:
        if data.source not in LINK_SOURCES or [p.pk for p in people] != [self_person.pk]:
            problems.append(Problem(("involved",), _("A request through a personal link names exactly one "
                                                     "clinician: yourself."), "involved.not_self"))
    elif referred_by is None:
        raise InvalidInput("A referral needs the login that makes it.")
    elif data.source == Source.SELF and not (
        referred_by.person_id and [p.pk for p in people] == [referred_by.person_id]
    ):
        problems.append(Problem(("involved",), _("A self-referral names exactly one clinician: yourself."),
                                "involved.not_self"))
    if data.source == Source.GROUP_DEBRIEF and self_person is None:
        problems.append(Problem(("source",), _("The source “%(source)s” is for a request through the personal "
                                               "link in the email after a group debrief; choose how you learned "
                                               "of the event.") % {"source": Source.GROUP_DEBRIEF.value},
                                "source.link_only"))
    if problems:
        raise ReferralRefused(problems)
    try:
        with transaction.atomic():
            referral = _create(referred_by, data, summary, people, wishes, idempotency_key,
                               fingerprint, reengagement_of, from_reporting_system=from_reporting_system)
    except IntegrityError:
        # A concurrent request with the same key (or the same report) won the race: answer what it created.
        if from_reporting_system:
            existing = _existing_intake(data.external_ref, fingerprint)
        else:
            existing = (_existing(referred_by, idempotency_key, fingerprint)
                        if idempotency_key and referred_by is not None else None)
        if existing is None:
            raise
        return existing, False
    return referral, True


REPORTING_SYSTEM_SOURCES = (Source.SAFETY_REPORT, Source.SAFETY_REPORT_OPT_IN)


def _check_reporting_system(data: ReferralInput, named: list[str], problems: list[Problem]) -> None:
    if not data.external_ref.strip():
        problems.append(Problem(("event", "external_ref"), "The safety report's own reference (external_ref) "
                                                           "is required: it tells a repeat from a new report.",
                                "external_ref.required"))
    if data.source not in REPORTING_SYSTEM_SOURCES:
        problems.append(Problem(("source",), f"The safety-report intake takes the source “{Source.SAFETY_REPORT}” "
                                             f"or “{Source.SAFETY_REPORT_OPT_IN}”; other referrals go to "
                                             "POST /api/v1/referrals with a token.", "source.not_safety_report"))
    if data.source == Source.SAFETY_REPORT_OPT_IN and len(named) > 1:
        problems.append(Problem(("involved",), "An opt-in from a safety report names exactly one clinician: the "
                                               "reporter who asked for a peer supporter to reach out.",
                                "involved.not_self"))


class IntakeConflict(Conflict):
    """The intake's external_ref was already used with a different body (409, with the referral's id)."""

    def __init__(self, detail: str, *, referral_id: int) -> None:
        super().__init__(detail)
        self.referral_id = referral_id


def _existing(user: User, key: str, fingerprint: str) -> Referral | None:
    """The referral this key already made (even after the retention purge), if any."""
    referral = Referral.objects.filter(referred_by=user, idempotency_key_hash__in=idempotency.key_hashes(key)).first()
    if referral is not None and not idempotency.fingerprint_matches(referral.request_fingerprint, fingerprint):
        raise InvalidInput("This Idempotency-Key was already used with a different request body.")
    return referral


def _existing_intake(external_ref: str, fingerprint: str) -> Referral | None:
    """The referral the reporting system already made for this report (even after the purge), if any."""
    referral = Referral.objects.filter(intake_ref_hash__in=idempotency.intake_ref_hashes(external_ref)).first()
    if referral is not None and not idempotency.fingerprint_matches(referral.request_fingerprint, fingerprint):
        raise IntakeConflict(
            f"The safety report {external_ref.strip()[:40]} was already received as referral {referral.pk}, "
            "with a different body; nothing was changed. A repeat must send the same body. To refer more "
            "clinicians from the same report, send them with a new external_ref (for example "
            f"{external_ref.strip()[:36]}-2).", referral_id=referral.pk)
    return referral


def _create(
    user: User | None,
    data: ReferralInput,
    summary: str,
    people: list[Person],
    wishes: dict[str, str],
    idempotency_key: str | None,
    fingerprint: str,
    reengagement_of: Case | None = None,
    *,
    from_reporting_system: bool = False,
) -> Referral:
    if data.occurred_on is None:  # refused by _validate already; said again for the type checker
        raise InvalidInput("Give the date of the event.")
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
        preferences=wishes,
        idempotency_key_hash=idempotency.key_hash(idempotency_key) if idempotency_key else None,
        request_fingerprint=idempotency.fingerprint_hash(fingerprint),
        intake_ref_hash=idempotency.intake_ref_hash(data.external_ref) if from_reporting_system else None,
    )
    _lock_peers_for_intake([person.pk for person in people])
    already_open, latest_closed = _open_and_latest_closed_cases([person.pk for person in people])
    new_people = [person for person in people if person.pk not in already_open]
    # Each case is its peer's program's, due by that program's rule.
    settings_of = {program_id: ProgramSettings.for_program(program_id)
                   for program_id in {person.program_id for person in new_people}}
    due_hours = {program_id: settings.assignment_due_hours for program_id, settings in settings_of.items()}
    earlier = {person.pk: latest_closed[person.pk] for person in new_people if person.pk in latest_closed}
    if reengagement_of is not None and reengagement_of.peer_id in {person.pk for person in new_people}:
        # The case the peer comes back from, even if it is still waiting to be closed.
        earlier[int(reengagement_of.peer_id or 0)] = reengagement_of.pk
    cases = Case.objects.bulk_create(
        Case(referral=referral, peer=person, program_id=person.program_id or Program.default().pk, created_at=now,
             next_due_at=now + timedelta(hours=due_hours[person.program_id]),
             reengagement_of_id=earlier.get(person.pk), peer_role=person.role_type,
             peer_department=person.department, peer_site=person.site,
             wants_outside_supporter=wishes.get("hospital") == HospitalPreference.OUTSIDE)
        for person in new_people
    )
    links = CaseReferralLink.objects.bulk_create(
        CaseReferralLink(case_id=case_id, referral=referral, linked_at=now) for case_id in already_open.values()
    )
    audit_record_all(actor=SAFETY_REPORTING_SYSTEM if from_reporting_system else user, entries=[
        Entry("referral.create", "referral", [referral.pk],
              {"involved_count": len(people), "source": data.source, "linked_cases": len(links)}),
        Entry("case.create", "case", [case.pk for case in cases], {"referral": referral.pk}),
        Entry("case.also_referred", "case", [link.case_id for link in links], {"referral": referral.pk}),
    ])
    # Each program's directors hear of their own program's new cases only.
    for program_id in sorted({case.program_id for case in cases}):
        count = sum(1 for case in cases if case.program_id == program_id)
        outbox_enqueue_all([
            Draft("new_referral", address, subject, body)
            for address, subject, body in in_each_language(
                director_audience(program_id=program_id),
                lambda language: render_new_referral_email(count, recipient=language))  # noqa: B023 (used at once)
        ])
    return referral


# An arbitrary constant: the first key of the per-clinician advisory locks below.
INTAKE_LOCK_SPACE = 0x7065_6572  # "peer"


def _lock_peers_for_intake(person_ids: list[int]) -> None:
    """Two referrals of one clinician at the same moment must not both miss the other's case.

    On PostgreSQL each clinician named gets a transaction-level advisory lock of their own,
    taken in id order (so two referrals naming the same people cannot deadlock) and held to the
    commit: a referral waits only for another referral of the same clinician, never for anything
    else. No row is locked, so nothing that locks roster rows can wait on it. On SQLite every
    transaction here already holds the database's write lock from its first statement.
    """
    if connection.vendor != "postgresql" or not person_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, id) FROM unnest(%s::integer[]) AS id ORDER BY id",
            [INTAKE_LOCK_SPACE, sorted(set(person_ids))],
        )


def _open_and_latest_closed_cases(person_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Each person's open case, if any (the earliest, should there be more), and their most
    recent closed case, if any (a peer coming back is re-engaging): one query for both.

    "Open" is `OPEN_STATES`: waiting for a supporter or in active support. A peer who declined
    or could not be reached is not in support, even before their case is closed: a new event is
    a new reason to reach out, so it opens a new case.
    """
    rows = list(
        Case.objects.filter(peer_id__in=person_ids, state__in=[*OPEN_STATES, CaseState.CLOSED])
        .values_list("peer_id", "pk", "state", "created_at", "closed_at")
    )
    open_cases: dict[int, int] = {}
    for peer_id, case_id, *_rest in sorted(
        (row for row in rows if row[2] != CaseState.CLOSED), key=lambda row: (row[3], row[1])
    ):
        if peer_id is not None:
            open_cases.setdefault(peer_id, case_id)
    latest_closed: dict[int, int] = {}
    # Latest closing first; a closed case without a closing time last; then the newest.
    for peer_id, case_id, *_rest in sorted(
        (row for row in rows if row[2] == CaseState.CLOSED),
        key=lambda row: (row[4] is None, -(row[4].timestamp() if row[4] else 0.0), -row[1]),
    ):
        if peer_id is not None:
            latest_closed.setdefault(peer_id, case_id)
    return open_cases, latest_closed
