"""A realistic demo program: Riverside General Hospital, its roster, team, resources and cases.

Deterministic (one seeded random generator), loaded once into an empty program by
`manage.py load_demo`. The roster, supporters, logins, referrals and assignments go through the
same services the web pages and the API use, so the audit trail, the outbox and the matching
see exactly what they would see in real use. That includes the peer's own path: a request
through the personal link from /support/ask/ and a return through "I'd like to talk now" are
made with real signed links, read and used up as the public pages do (`_ask_through_link`).

Two things are done directly, and why:
- The demo's history is written now and then moved back in time (received, assigned and closed
  times), so the queue shows work falling due and the past cases look past. The audit trail
  is never rewritten: it truthfully says that the demo loader wrote these rows, and when.
- Outreach, responses, conversations, resources and closing go through the supporter's
  services with the director acting (a director may act on any case), then are dated back.

The demo sends no email: every outbox row it writes (the directors' new-referral notices, the
supporters' assignment notices, the open invitations after a decline) describes something that
"happened" before the demo existed, to invented `.example` addresses. Those rows are marked
sent in the loading transaction, so the delivery tasks queued when it commits find nothing to
do, and a worker started later does not mail the demo's history. Anything done in the running demo is mailed as usual.
"""

import hashlib
import random
from base64 import b32encode
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F, Max
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from peersupport.accounts.models import Role, User
from peersupport.accounts.services import api_token_issue, user_add
from peersupport.accounts.two_factor import requires_two_factor
from peersupport.audit.chain import seal_pending
from peersupport.cases.actions import (
    EncounterInput,
    case_close,
    case_mark_unreachable_when_due,
    case_record_encounter,
    case_record_outreach,
    case_record_resource,
    case_record_response,
)
from peersupport.cases.models import (
    HOLDING_STATES,
    Assignment,
    Case,
    CaseReferralLink,
    CaseState,
    OutreachAttempt,
    Response,
    ResponseRecord,
)
from peersupport.cases.report_facts import report_facts_fill
from peersupport.cases.services import case_assign
from peersupport.composition.demo import demo_composition
from peersupport.debriefs.demo import demo_debriefs
from peersupport.demo import data
from peersupport.demo.roster import Roster, make_supporters
from peersupport.demo.second_hospital import demo_first_program, demo_second_hospital
from peersupport.feedback.demo import demo_feedback
from peersupport.matching.models import matching_version_bump
from peersupport.matching.selectors import suggestions_for_case
from peersupport.meetings.demo import demo_meetings
from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.planner.demo import demo_planner
from peersupport.program.models import Program, ProgramSettings
from peersupport.publicity.demo import demo_publicity
from peersupport.recruitment.demo import demo_recruitment
from peersupport.referrals.models import Referral
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.reports.demo import demo_deck, demo_reports
from peersupport.resources.models import Resource
from peersupport.resources.services import ResourceInput, resource_create
from peersupport.roster.models import Person, Supporter, SupporterStatus
from peersupport.support.links import ASK, TALK, make_token, read_token
from peersupport.support.models import LinkUse
from peersupport.support.services import link_self_refer, talk_reengage
from peersupport.team.demo import demo_team
from peersupport.training.demo import demo_training

DIRECTOR_EMAIL = f"director@{data.DOMAIN}"
SUPPORTER_LOGINS = 3


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    who: str
    # The authenticator key (base32) of a login that signs in with a code too, else "".
    totp_key: str = ""


@dataclass(frozen=True)
class DemoTryIt:
    """Where to try the peer's own path and what the director sees, in the loaded demo."""

    # A clinician with no login, for /support/ask/ (the emailed link prints in the worker's output).
    ask_email: str
    # A supporter login holding a case that waits for the peer's answer: their "No, thank you"
    # sends the peer the open invitation with "I'd like to talk now". Empty once there is none.
    decline_login: str = ""
    decline_peer: str = ""
    decline_case_id: int | None = None
    # Cases waiting in the director's queue that show the peer's wishes (one of them unmet), an
    # earlier supporter suggested first, and "also referred in #N".
    wishes_case_id: int | None = None
    continuity_case_id: int | None = None
    also_referred_case_id: int | None = None


@dataclass
class DemoResult:
    logins: list[DemoLogin] = field(default_factory=list)
    api_token: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def demo_is_loaded() -> bool:
    return User.objects.filter(email__iexact=DIRECTOR_EMAIL).exists()


def database_holds_only_demo() -> bool:
    """True when every login and roster entry is the demo's, so wiping it loses nothing real."""
    suffix = "@" + data.DOMAIN
    if User.objects.exclude(email__iendswith=suffix).exists():
        return False
    # A roster entry's email is encrypted in its column: each is read (and decrypted) until one is not the demo's.
    addresses = Person.objects.values_list("email", flat=True).order_by().iterator(chunk_size=2_000)
    return all(address.lower().endswith(suffix) for address in addresses)


def demo_load(now: datetime | None = None) -> DemoResult:
    """Load the whole demo in one transaction (all or nothing)."""
    now = now or timezone.now()
    rng = random.Random(data.SEED)  # the same demo every time; nothing secret is drawn  # nosec B311
    with transaction.atomic():
        first_outbox_pk = OutboxMessage.objects.aggregate(top=Max("pk"))["top"] or 0
        first_case_pk = Case.objects.aggregate(top=Max("pk"))["top"] or 0
        demo_first_program()
        ProgramSettings.current()
        roster = Roster(rng)
        roster.build()
        roster.reserve(data.ASK_EMPLOYEE_ID)  # no story may give them a case: README names them
        supporters = make_supporters(rng, roster, now)
        demo_training(now)
        _make_resources()
        users = _make_users(roster)
        demo_composition(seed=data.SEED, director=users["director"], deputy=users["admin"], now=now)
        tagged: dict[str, Person] = {}
        for story in sorted(data.STORIES, key=lambda s: -s.hours_ago):
            _play(story, users, roster, now, tagged)
        # The stories' dates were moved back after their steps: their minutes to each step too.
        stories = Case.objects.filter(pk__gt=first_case_pk)
        stories.update(minutes_to_assignment=None, minutes_to_first_outreach=None)
        report_facts_fill(stories)
        demo_reports(seed=data.SEED, now=now, exclude_employee_ids={data.ASK_EMPLOYEE_ID})
        demo_deck(data.HOSPITAL)
        demo_meetings(director=users["director"], now=now)
        demo_debriefs(director=users["director"], now=now)
        demo_recruitment(director=users["director"], administrator=users["admin"], now=now)
        demo_planner(director=users["director"])
        demo_feedback(seed=data.SEED, now=now, program_id=Program.default().pk)
        demo_publicity(director=users["director"], administrator=users["admin"], now=now)
        # The health system's second hospital, a program of its own (demo/second_hospital.py).
        lakeside = demo_second_hospital(random.Random(data.SEED + 1), now, roster.names)  # nosec B311
        _set_demo_password(lakeside.logins)
        _enroll_demo_authenticators(lakeside.logins)
        # See the module docstring: the demo's history is not mailed.
        OutboxMessage.objects.filter(pk__gt=first_outbox_pk, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.SENT, sent_at=F("created_at")
        )
        supporter_users = _make_supporter_logins(supporters)
        demo_team(supporter_users)
        token = api_token_issue(email=f"integration@{data.DOMAIN}")
        # Backdated through QuerySet.update(), which sends no signal: the matching's cache.
        matching_version_bump()
    # Chained at once rather than by the sealing step a few seconds later: the demo's history
    # is backdated, and entries waiting that long would look to the queue like a stopped sealer.
    seal_pending(DEFAULT_DB_ALIAS)
    result = DemoResult(logins=demo_logins(), api_token=token)
    result.counts = {
        "people": Person.objects.count(),
        "supporters": Supporter.objects.count(),
        "active supporters": Supporter.objects.filter(status=SupporterStatus.ACTIVE).count(),
        "resources": Resource.objects.count(),
        "referrals": Referral.objects.count(),
        "open cases": Case.objects.open().count(),
        "closed cases": Case.objects.filter(state=CaseState.CLOSED).count(),
        "supporter logins": len(supporter_users),
    }
    return result


def demo_logins() -> list[DemoLogin]:
    """The demo's logins, in the order a visitor would try them."""
    order = [Role.DIRECTOR, Role.ADMINISTRATOR, Role.SUPPORTER, Role.REFERRER, Role.CLINICIAN,
             Role.LEADER, Role.SYSTEM_LEADER, Role.INTEGRATION]
    found = User.objects.filter(email__iendswith="@" + data.DOMAIN).select_related(
        "person__supporter", "program"
    )
    users = sorted(found, key=lambda u: (order.index(Role(u.role)), u.email))
    keys = {
        device.user_id: b32encode(device.bin_key).decode()
        for device in TOTPDevice.objects.filter(user__in=users, confirmed=True).order_by("-pk")
    }
    return [DemoLogin(u.email, u.get_role_display(), _describe(u), keys.get(u.pk, "")) for u in users]


def demo_try_it() -> DemoTryIt:
    """The demo's people and cases for trying the peer's path, found in the database as it is
    now (after a tester's decline, the next supporter login with such a case, if any)."""
    asker = Person.objects.filter(employee_id=data.ASK_EMPLOYEE_ID).only("email").first()
    waiting = Case.objects.awaiting_assignment().order_by("pk")
    decline = (
        Case.objects.filter(state=CaseState.OUTREACH_MADE, supporter__person__user__role=Role.SUPPORTER,
                            supporter__person__user__email__iendswith="@" + data.DOMAIN)
        .select_related("peer", "supporter__person__user").order_by("pk").first()
    )
    wishes = next((case.pk for case in waiting.filter(referral__source="self").select_related("referral")
                   if case.referral.preferences), None)
    continuity = waiting.filter(reengagement_of__isnull=False).values_list("pk", flat=True).first()
    also_referred = waiting.filter(referral_links__isnull=False).values_list("pk", flat=True).first()
    decline_user = decline.supporter.person.user if decline and decline.supporter else None
    return DemoTryIt(
        ask_email=asker.email if asker else "",
        decline_login=decline_user.email if decline_user else "",
        decline_peer=decline.peer_name if decline else "",
        decline_case_id=decline.pk if decline else None,
        wishes_case_id=wishes,
        continuity_case_id=continuity,
        also_referred_case_id=also_referred,
    )


def demo_totp_key(email: str) -> str:
    """The demo's authenticator key for a login: the same on every load, so an authenticator app
    set up once keeps working after `load_demo --reset` (hex, as django-otp stores it)."""
    return hashlib.sha256(f"{data.SEED}:{email}".encode()).hexdigest()[:40]


def _enroll_demo_authenticators(users: Iterable[User]) -> None:
    """Directors and administrators sign in with a code as well; the demo sets up their
    authenticator so a visitor can use its printed key (or `manage.py demo_code`) at once."""
    for user in users:
        if requires_two_factor(user):
            TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True,
                                      key=demo_totp_key(user.email))


def _describe(user: User) -> str:
    """Who the login is; a login of the second hospital says which hospital."""
    if user.program_id is not None and user.program_id != Program.default().pk:
        return f"{_describe_in_program(user)}, {user.program.name if user.program else ''}"
    return _describe_in_program(user)


def _describe_in_program(user: User) -> str:
    fixed: dict[str, str] = {
        Role.ADMINISTRATOR: "Program office",
        Role.REFERRER: "Patient Safety Office",
        Role.LEADER: "Chief Medical Officer (reports only)",
        Role.SYSTEM_LEADER: "Health system's Chief Wellness Officer (both hospitals' reports, and combined)",
        Role.INTEGRATION: "Safety-reporting system (API)",
    }
    if user.role in fixed:
        return fixed[user.role]
    person = user.person
    if person is None:
        return ""
    text = f"{person.name}, {person.specialty}"
    if user.role == Role.SUPPORTER:
        held = Case.objects.filter(supporter__person=person, state__in=HOLDING_STATES).count()
        text += f", {held} open case{'s' if held != 1 else ''}"
    return text


def _make_resources() -> None:
    for name, category, contact, description in data.RESOURCES:
        resource_create(actor=None, data=ResourceInput(name=name, category=category,
                                                       contact=contact, description=description))


def _make_users(roster: Roster) -> dict[str, User]:
    director = roster.pick("Family Medicine")
    clinician = roster.pick("Pediatrics")
    accounts = {
        "director": (Role.DIRECTOR, director.employee_id),
        "admin": (Role.ADMINISTRATOR, None),
        "safety": (Role.REFERRER, None),
        "clinician": (Role.CLINICIAN, clinician.employee_id),
        "leader": (Role.LEADER, None),
        "system": (Role.SYSTEM_LEADER, None),
        "integration": (Role.INTEGRATION, None),
    }
    users = {}
    for local, (role, employee_id) in accounts.items():
        users[local], _ = user_add(email=f"{local}@{data.DOMAIN}", role=role,
                                   employee_id=employee_id)
    _set_demo_password(users.values())
    _enroll_demo_authenticators(users.values())
    users["referrer"] = users["safety"]
    return users


def _set_demo_password(users: Iterable[User]) -> None:
    # One hash for every demo login: hashing a password on purpose takes most of a second, and
    # doing it per login would make up half the demo's loading time.
    validate_password(data.PASSWORD)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=make_password(data.PASSWORD))


def _make_supporter_logins(supporters: list[Supporter]) -> list[User]:
    """Logins for the supporters holding the demo's open cases (then other active ones)."""
    holding = list(
        Supporter.objects.filter(cases__state__in=HOLDING_STATES)
        # The case's id breaks a tie (a joint referral's cases are assigned at one time), so the
        # logins are the same on every database: the README names supporter2's case.
        .order_by("cases__assigned_at", "cases__pk").values_list("pk", flat=True)
    )
    active = [s.pk for s in supporters if s.status == SupporterStatus.ACTIVE]
    chosen = list(dict.fromkeys(holding + active))[:SUPPORTER_LOGINS]
    employee_ids = dict(Supporter.objects.filter(pk__in=chosen).values_list("pk", "person__employee_id"))
    users = [
        user_add(email=f"supporter{i}@{data.DOMAIN}", role=Role.SUPPORTER,
                 employee_id=employee_ids[pk])[0]
        for i, pk in enumerate(chosen, start=1)
    ]
    _set_demo_password(users)
    return users


def _play(story: data.Story, users: dict[str, User], roster: Roster, now: datetime,
          tagged: dict[str, Person]) -> None:
    """Refer, assign and close as the story says, then move it back to when it happened."""
    program = ProgramSettings.current()
    received = now - timedelta(hours=story.hours_ago)
    if story.by in users and story.source == "self":
        by = users[story.by]
        if by.person is None:
            raise LookupError(f"The demo's self-referral by {story.by} needs a roster entry.")
        peers = [by.person]
    else:
        peers = [_person(involved, roster, tagged) for involved in story.involved]
    watermark = OutboxMessage.objects.aggregate(top=Max("pk"))["top"] or 0
    referral_data = ReferralInput(
        category=story.category,
        occurred_on=timezone.localdate(received) - timedelta(days=1),
        summary=story.summary,
        involved_employee_ids=[p.employee_id for p in peers],
        source=story.source,
        interventional=story.interventional,
        external_ref=story.external_ref,
        preferences=dict(story.preferences),
    )
    if story.by in (data.PERSONAL_LINK, data.TALK_LINK):
        referral = _ask_through_link(story.by, peers, referral_data, received)
    else:
        referral, _ = referral_create(
            referred_by=users[story.by],
            data=referral_data,
            idempotency_key=f"demo-{story.external_ref}" if story.by == "integration" else None,
        )
    Referral.objects.filter(pk=referral.pk).update(received_at=received)
    Case.objects.filter(referral=referral).update(
        created_at=received, next_due_at=received + timedelta(hours=program.assignment_due_hours)
    )
    # A clinician whose case was still open when referred again: linked when it happened.
    CaseReferralLink.objects.filter(referral=referral).update(linked_at=received)
    _backdate_outbox(watermark, received)
    if story.assigned_after_hours is None:
        return

    assigned = received + timedelta(hours=story.assigned_after_hours)
    cases = list(Case.objects.filter(referral=referral).order_by("pk").select_related("peer"))
    for case, involved in zip(cases, story.involved, strict=True):
        watermark = OutboxMessage.objects.aggregate(top=Max("pk"))["top"] or 0
        [best, *_] = suggestions_for_case(case, program)
        case_assign(actor=users["director"], case_id=case.pk,
                    supporter_employee_id=best.employee_id)
        Case.objects.filter(pk=case.pk).update(
            assigned_at=assigned,
            next_due_at=assigned + timedelta(hours=program.first_outreach_due_hours),
        )
        Assignment.objects.filter(case=case).update(assigned_at=assigned)
        Supporter.objects.filter(person__employee_id=best.employee_id).update(
            last_assigned_at=assigned
        )
        _backdate_outbox(watermark, assigned)
        if involved.state != CaseState.ASSIGNED:
            _set_state(case.pk, involved, received, story, users["director"])


def _person(involved: data.Involved, roster: Roster, tagged: dict[str, Person]) -> Person:
    """The story's clinician: the one an earlier story tagged the same, or a new one."""
    if involved.tag and involved.tag in tagged:
        return tagged[involved.tag]
    person = roster.pick(involved.department, involved.role_type, involved.specialty)
    if involved.tag:
        tagged[involved.tag] = person
    return person


def _ask_through_link(kind: str, peers: list[Person], referral_data: ReferralInput,
                      received: datetime) -> Referral:
    """A peer with no login asks for themself through a personal link, as the emailed link from
    /support/ask/ (the self-referral form) or "I'd like to talk now" after their earlier case
    does; the link is made, read and used up by the same code as a real one."""
    [peer] = peers
    if kind == data.TALK_LINK:
        earlier = Case.objects.filter(peer=peer).order_by("-created_at", "-pk").first()
        if earlier is None:
            raise LookupError("The demo's return through \"I'd like to talk now\" needs an earlier case.")
        link = read_token(TALK, make_token(TALK, person_id=peer.pk, case_id=earlier.pk))
        referral = talk_reengage(link=link)
    else:
        link = read_token(ASK, make_token(ASK, person_id=peer.pk, source=referral_data.source))
        referral = link_self_refer(link=link, data=referral_data)
    LinkUse.objects.filter(nonce=link.nonce).update(used_at=received)
    return referral


def _set_state(case_id: int, involved: data.Involved, received: datetime, story: data.Story,
               director: User) -> None:
    """Play the rest of the case through the supporter's services, then date it back.

    The director acts (a director may act on any case); the audit trail says so truthfully.
    """
    program = ProgramSettings.current()
    outcome = involved.outcome or (Response.ACCEPTED if involved.state == CaseState.ACCEPTED else "")
    attempts = program.unreachable_after_attempts if outcome == CaseState.UNREACHABLE else 1
    for _ in range(attempts):
        case_record_outreach(actor=director, case_id=case_id, channel="call")
    first_try = received + timedelta(hours=6)
    for index, attempt in enumerate(OutreachAttempt.objects.filter(case_id=case_id).order_by("pk")):
        # Tries spread over the program's days, so an unreachable peer really was tried for that long.
        spread = timedelta(days=program.unreachable_after_days) * index / max(attempts - 1, 1)
        OutreachAttempt.objects.filter(pk=attempt.pk).update(made_at=first_try + spread)
    if involved.state == CaseState.OUTREACH_MADE:
        Case.objects.filter(pk=case_id).update(
            next_due_at=first_try + timedelta(hours=program.next_attempt_due_hours))
        return
    if outcome == CaseState.UNREACHABLE:
        case_mark_unreachable_when_due(case_id=case_id)
    else:
        case_record_response(actor=director, case_id=case_id, response=outcome)
    responded = first_try + timedelta(hours=3)
    ResponseRecord.objects.filter(case_id=case_id).update(recorded_at=responded)
    Case.objects.filter(pk=case_id).update(responded_at=responded)
    if outcome == Response.ACCEPTED:
        occurred = Case.objects.select_related("referral").get(pk=case_id).referral.occurred_on
        talks = 2 if case_id % 2 else 1
        for number in range(talks):
            held_on = min(occurred + timedelta(days=1 + 7 * number), timezone.localdate())
            case_record_encounter(actor=director, case_id=case_id, data=EncounterInput(
                held_on=held_on, minutes=35 + 10 * number, mode="phone" if number == 0 else "in_person",
                topics=DEMO_TOPICS[number], follow_up_planned=number + 1 < talks))
        counseling = Resource.objects.filter(category="counseling").order_by("pk").first()
        if counseling is not None and case_id % 3 == 0:
            case_record_resource(actor=director, case_id=case_id, resource_id=counseling.pk, facilitated=True)
    if involved.state == CaseState.CLOSED:
        case_close(actor=director, case_id=case_id)
        Case.objects.filter(pk=case_id).update(closed_at=received + timedelta(days=story.closed_after_days or 7))
    else:
        Case.objects.filter(pk=case_id).update(
            next_due_at=responded + timedelta(hours=program.first_conversation_due_hours))


DEMO_TOPICS = (
    ("opening", "story", "listening", "normalizing", "coping", "resources"),
    ("opening", "sense_making", "reframing", "coping", "closing"),
)


def _backdate_outbox(after_pk: int, when: datetime) -> None:
    OutboxMessage.objects.filter(pk__gt=after_pk).update(created_at=when, next_attempt_at=when)
