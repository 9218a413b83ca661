"""Property-based fuzzing (hypothesis) of every web form that takes input and changes something.

For each form, as a role allowed to use it, hypothesis posts arbitrary field values: any
unicode text (control characters, NUL, right-to-left marks, emoji), huge strings, numbers far out
of range, impossible dates, several values for one field, missing fields and unknown extra
fields, as multipart or urlencoded bodies. Whatever arrives:

- the answer is never a server error (5xx);
- an input that is refused answers 4xx with the reason on the page (an alert, or an error under
  the field; "check the fields marked below" alone is not a reason), and the database is
  exactly as it was (a snapshot of every program table before and after);
- an input that is accepted (a redirect) leaves only rows that pass the model's own validation
  (`full_clean`).

Each example runs in a savepoint that is rolled back, so every example meets the same program.
"""

import os
import re
from datetime import date, timedelta
from html import unescape
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peersupport.accounts.models import ApiToken, Role
from peersupport.api.tests.helpers import refer
from peersupport.cases.actions import case_record_outreach, case_record_response
from peersupport.cases.models import (
    BreakGlassReason,
    DeclineReason,
    EncounterMode,
    GuideTopic,
    OutreachChannel,
    OverrideReason,
    Response,
)
from peersupport.cases.services import case_assign
from peersupport.debriefs.links import FOLLOW_UP
from peersupport.debriefs.testing import make_debrief
from peersupport.meetings.links import RSVP
from peersupport.meetings.models import Scenario
from peersupport.meetings.testing import make_meeting
from peersupport.program.forms import WEIGHT_PREFIX
from peersupport.program.models import WEIGHT_LABELS, Program
from peersupport.program.services import NUMBER_BOUNDS
from peersupport.referrals.models import Category, Source
from peersupport.referrals.services import specialty_choices
from peersupport.resources.models import Resource, ResourceCategory
from peersupport.roster.models import AgeBand, Experience, Gender, RaceEthnicity, RoleType, SupporterStatus
from peersupport.roster.services_import import roster_import_upload
from peersupport.support.links import ASK, make_token, sign_link
from peersupport.testing.factories import make_person, make_user, program_settings
from peersupport.training.links import EVALUATION
from peersupport.training.models import Course, CourseKind, Pace, Session

# Per form: 6 in `make test`, a quick pass over every form; `make test-fuzz` (in CI) asks for 100.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The fixtures are set up once per test; each example is rolled back to them (`check_post`).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)

# The tables a form could change. Not the audit trail (a refusal is audited, by design), nor
# sessions, sign-in attempts or second-step devices.
SNAPSHOT_APPS = {"program", "roster", "resources", "referrals", "cases", "notifications", "support",
                 "meetings", "training", "reports", "debriefs", "django_tasks_database"}
OWN_APPS = SNAPSHOT_APPS - {"django_tasks_database"}

# Values ---------------------------------------------------------------------------------------

SPECIAL = st.sampled_from([
    "", " ", "\x00", "a\x00b", "\t\n\r", "\u202e\u200b\ufeff", "😀" * 3, "null", "None", "true", "[]", "{}",
    "0", "-1", "-0", "00", "1.5", "1e309", "-1e309", "NaN", "inf", "9" * 40, "-" + "9" * 40, "0x10",
    "4", "6", "11", "21", "29", "61", "91", "101", "601", "3651", str(2**31), str(2**63), str(-(2**63) - 1),
    "2026-02-30", "0000-00-00", "9999-12-31", "0001-01-01", "31/12/2026", "2026-13-01",
    "' OR 1=1 --", "<script>alert(1)</script>", "{{ 7*7 }}", "../../etc/passwd", "%00", "\\",
])
ANY_TEXT = st.text(max_size=80)
PLAIN = st.text(st.characters(categories=["L", "N"]) | st.sampled_from(" -'."), min_size=1, max_size=30)
CONTROL = st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Co"]), max_size=20)
HUGE = st.builds(lambda char, n: char * n, st.sampled_from(["a", "é", "😀", "\x00", " ", "E1,"]),
                 st.integers(1_000, 120_000))
NUMBER = st.one_of(st.integers(), st.integers(-(10**30), 10**30), st.floats()).map(str)
NASTY = st.one_of(SPECIAL, ANY_TEXT, CONTROL, HUGE, NUMBER)


def iso(day: date) -> str:
    return day.isoformat()


def near_today(past: int = 60, future: int = 0) -> st.SearchStrategy[str]:
    return st.integers(-past, future).map(lambda days: iso(timezone.localdate() + timedelta(days=days)))


BOOL = st.sampled_from(["on", "true", "1", "", "off", "0", "false", "yes"])


def choice(values) -> st.SearchStrategy[str]:
    return st.sampled_from(list(values))


def integer(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(str)


def field(likely: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A likely value, anything nasty, or several values where one is expected."""
    one = st.one_of(likely, NASTY)
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


EXTRA = st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), NASTY, max_size=2)


def form_data(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Half the time a likely form with one or two fields spoilt (so that accepted inputs happen
    too); otherwise any subset of the fields with any values. Unknown extra fields either way."""
    names = sorted(fields)

    @st.composite
    def one_field_spoilt(draw) -> dict[str, Any]:
        data = draw(st.fixed_dictionaries(fields))
        for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True)) if names else []:
            how = draw(st.sampled_from(["missing", "nasty", "several"]))
            if how == "missing":
                del data[name]
            elif how == "nasty":
                data[name] = draw(NASTY)
            else:
                data[name] = draw(st.lists(st.one_of(fields[name], NASTY), min_size=2, max_size=3))
        return data

    anything = st.fixed_dictionaries({}, optional={name: field(likely) for name, likely in fields.items()})
    return st.builds(lambda extra, data: {**extra, **data}, EXTRA, st.one_of(one_field_spoilt(), anything))


ENCODING = st.sampled_from(["multipart", "urlencoded"])

# Checking one answer ----------------------------------------------------------------------


def _snapshot_queries() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        model._meta.label: f"SELECT {quote(model._meta.pk.column)}, * FROM {quote(model._meta.db_table)} "
                           f"ORDER BY {quote(model._meta.pk.column)}"
        for model in apps.get_models() if model._meta.app_label in SNAPSHOT_APPS
    }


def snapshot() -> dict[str, dict[Any, tuple]]:
    """Every row of every table a form could change, by table and primary key."""
    with connection.cursor() as cursor:
        tables = {}
        for label, sql in _snapshot_queries().items():
            cursor.execute(sql)
            tables[label] = {row[0]: row for row in cursor.fetchall()}
    return tables


def changed_rows(before: dict, after: dict) -> list[tuple[type[models.Model], Any]]:
    changed = []
    for label, rows in after.items():
        model = apps.get_model(label)
        changed += [(model, pk) for pk, row in rows.items() if before[label].get(pk) != row]
    return changed


def describe_changes(before: dict, after: dict) -> str:
    lines = []
    for label, rows in after.items():
        gone = set(before[label]) - set(rows)
        lines += [f"{label} {pk}: {before[label].get(pk)} -> {row}" for pk, row in rows.items()
                  if before[label].get(pk) != row]
        lines += [f"{label} {pk}: deleted" for pk in gone]
    return "\n".join(lines)


ALERT = re.compile(r'role="alert"[^>]*>(.*?)</(?:div|p)>', re.S)
FIELD_ERROR = re.compile(r'class="field-error"[^>]*>(.*?)</p>', re.S)
# Says that fields are marked, not what is wrong: it counts only with a field's own error.
POINTER = "Please check the fields marked below; nothing has been saved yet."


def alert_text(response) -> str:
    """The reasons the page gives: its alerts and the errors under its fields."""
    html = response.content.decode()
    found = [unescape(re.sub(r"<[^>]+>", " ", m)).strip() for m in ALERT.findall(html) + FIELD_ERROR.findall(html)]
    return " ".join(text for text in found if text and text != POINTER)


def post(client: Client, url: str, data: dict[str, Any], encoding: str):
    if encoding == "urlencoded":
        return client.post(url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")
    return client.post(url, data)


def check_post(client: Client, url: str, data: dict[str, Any], encoding: str) -> int:
    """Post once inside a rolled-back savepoint; assert the promises; return the status."""
    with transaction.atomic():
        before = snapshot()
        response = post(client, url, data, encoding)
        after = snapshot()
        status = response.status_code
        assert status < 500, f"{status} for {data!r}"
        if status in (301, 302, 303):
            # Accepted: whatever it wrote is valid by the model's own rules.
            for model, pk in changed_rows(before, after):
                if model._meta.app_label in OWN_APPS:
                    model.objects.get(pk=pk).full_clean()
        else:
            assert 400 <= status < 500, f"a refusal should answer 4xx, not {status}, for {data!r}"
            assert alert_text(response), f"no message on the page refusing {data!r}"
            assert before == after, f"a refused input changed:\n{describe_changes(before, after)}"
        transaction.set_rollback(True)
    return status


# The program the forms work on --------------------------------------------------------------


@pytest.fixture
def world(db, director, supporter_a, supporter_b, referrer, outsider) -> dict[str, Any]:
    """Cases in each state a form acts on, resources, people on the roster, and who is who."""
    supporter_a.capacity = 10
    supporter_a.save()
    peers = [make_person(name=f"Pat Peer {n}", department="Emergency", employee_id=f"P{n}") for n in range(5)]
    cases = list(refer(referrer, *peers).cases.order_by("pk"))
    mine = supporter_a.person.user

    def assign(case):
        # One supporter holds several colleagues of the event: an override of the program's rule.
        return case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter_a.person.employee_id,
                           override_reason="availability")

    assigned, reached, accepted = assign(cases[1]), assign(cases[2]), assign(cases[3])
    for case in (reached, accepted):
        case_record_outreach(actor=mine, case_id=case.pk, channel=OutreachChannel.CALL)
    case_record_response(actor=mine, case_id=accepted.pk, response=Response.ACCEPTED)
    resources = [
        Resource.objects.create(name="Employee Assistance Program", category=ResourceCategory.COUNSELING,
                                contact="x1234"),
        Resource.objects.create(name="Crisis line", category=ResourceCategory.CRISIS, contact="988"),
        Resource.objects.create(name="Retired service", category=ResourceCategory.OTHER, active=False),
    ]
    return {
        "director": director, "supporter": mine, "referrer": referrer, "clinician": outsider,
        "waiting": cases[0], "assigned": assigned, "reached": reached, "accepted": accepted,
        "resources": resources, "peers": peers,
        "supporters": [supporter_a.person.employee_id, supporter_b.person.employee_id],
        "candidate": make_person(name="Sam Candidate", employee_id="C1"),  # on the roster, not a supporter
        # A personal link, as /support/ask/ emails it: each example is rolled back, so it is unused in each.
        "link_token": make_token(ASK, person_id=outsider.person_id),
        # A meeting coming up with its RSVP link, and one that took place, for attendance.
        "scenario": Scenario.objects.order_by("pk").first(),
        "meeting": (meeting := make_meeting(invite=[supporter_a, supporter_b])),
        "rsvp_token": sign_link(RSVP, {"m": meeting.pk, "s": supporter_a.pk}),
        "past_meeting": make_meeting(starts_at=timezone.now() - timedelta(days=3), invite=[supporter_a, supporter_b]),
        # Group debriefs: one coming up, one held yesterday with its follow-up link for an invitee.
        "debrief": make_debrief(supporter_a, supporter_b, invite=peers[:2]),
        "held_debrief": (held := make_debrief(supporter_a, supporter_b, starts_at=timezone.now() - timedelta(days=1),
                                              invite=[outsider.person])),
        "follow_up_token": sign_link(FOLLOW_UP, {"d": held.pk, "p": outsider.person_id}),
        # Training: a session that has begun, and an attendee's evaluation link for it.
        "training_session": (training := Session.objects.create(
            course=Course.objects.create(program=Program.default(), name="Supporter basics", kind="initial"),
            starts_at=timezone.now() - timedelta(days=1), place="Room 2")),
        "evaluation_token": sign_link(EVALUATION, {"s": training.pk, "p": outsider.person_id}),
        "api_token": ApiToken.issue(referrer, name="Fuzzed", scope="read_only", created_by=director)[0],
        # An administrator in a program where administrators do not see cases (emergency access).
        "administrator": make_user(Role.ADMINISTRATOR),
        "program": program_settings(**{"administrators_see_cases": False}),
        # An HR file uploaded for the roster import, waiting for its column mapping.
        "roster_import": roster_import_upload(actor=director, filename="hr.csv",
                                              content=b"Employee ID,Name,Email,Level\nE7001,Robin Roster,,3\n"),
    }


# Each web form that changes something: who may use it, where it posts, and its fields with the
# values a person would likely send (the fuzzing adds everything else).

Fields = dict[str, st.SearchStrategy[str]]


def _event_fields() -> Fields:
    return {
        "category": choice(Category.values),
        "occurred_on": near_today(),
        "summary": st.one_of(st.just("A patient died unexpectedly after a routine admission."), PLAIN),
        "interventional": BOOL,
        "key": st.uuids().map(lambda u: u.hex),
    }


def referral_fields(w) -> Fields:
    peer_ids = choice(p.employee_id for p in w["peers"])
    return {
        **_event_fields(),
        "involved": peer_ids,
        "involved_ids": st.one_of(peer_ids, st.lists(peer_ids, max_size=3).map(", ".join)),
        "source": choice(v for v in Source.values if v not in (Source.SELF, Source.GROUP_DEBRIEF)),
    }


def self_referral_fields(w) -> Fields:
    return {
        **_event_fields(),
        "gender": choice(["", "female", "male", "non-binary"]),
        # The roster's specialties are the choices (a wish from a fixed list); anything else is refused.
        "specialty": st.one_of(choice(["", *specialty_choices()]), PLAIN),
        "role_type": choice(["", *RoleType.values]),
        "hospital": st.one_of(choice(["", "outside"]), PLAIN),
    }


def assignment_fields(w) -> Fields:
    supporters = st.one_of(choice(w["supporters"]), choice(["P0", "nobody"]))  # P0 is the peer
    return {
        "supporter": supporters,
        "employee_id_typed": st.one_of(st.just(""), supporters),
        "version": st.one_of(st.just(str(w["waiting"].version)), integer(1, 3)),
        "reassign": choice(["", "on"]),
        "override": choice(["", "", "0", "1"]),
        "override_reason": choice(["", *OverrideReason.values]),
    }


# Numbers as a person would not type them: digits to str.isdigit() that int() refuses or reads
# otherwise, leading zeros, far too many digits, signs and decimals.
DIGITISH = st.sampled_from(["²", "٣", "１２", "007", "9" * 40, "-1", "+1", "1.0", " 1", "1 "])


def resource_ids(w) -> st.SearchStrategy[str]:
    return st.one_of(choice(str(r.pk) for r in w["resources"]), integer(1, 10), DIGITISH)


def person_fields(w) -> Fields:
    return {
        "name": st.one_of(st.just("Robin Example"), PLAIN),
        "email": st.one_of(st.just("robin@example.org"), st.emails()),
        "phone": st.one_of(st.just("+1 555 0100"), st.just("")),
        "role_type": choice(RoleType.values),
        "specialty": st.one_of(st.just("Surgery"), PLAIN),
        "department": st.one_of(st.just("Surgery"), PLAIN),
        "site": st.one_of(st.just("Main Campus"), PLAIN),
        "rank": integer(1, 5),
        "interventional": BOOL,
        "supervisor_employee_id": choice(["", "P0", "C1", "nobody"]),
        "active": BOOL,
        "language": choice(["en", "es", ""]),
    }


def new_person_fields(w) -> Fields:
    return {**person_fields(w), "employee_id": st.one_of(st.just("N1"), choice(["P0", "C1"]), PLAIN)}


def supporter_fields(w) -> Fields:
    return {
        "status": choice(SupporterStatus.values),
        "capacity": integer(0, 20),
        "trained_on": near_today(past=3000),
        "experience": st.lists(choice(Experience.values), max_size=3),
        "paused_until": st.one_of(st.just(""), near_today(past=10, future=60)),
        "on_call": BOOL,
        "shared_across_programs": BOOL,
    }


def program_settings_fields(w) -> Fields:
    return {
        "served_role_types": st.lists(choice(RoleType.values), max_size=3),
        "exclude_same_department": BOOL,
        "administrators_see_cases": BOOL,
        "outside_supporter_categories": st.lists(choice(Category.values), max_size=3),
        **{name: integer(low, high) for name, (low, high) in NUMBER_BOUNDS.items()},
        **{WEIGHT_PREFIX + key: st.floats(0, 10).map(str) for key in WEIGHT_LABELS},
    }


def resource_fields(w) -> Fields:
    return {
        "name": st.one_of(st.just("Peer circle"), PLAIN),
        "category": choice(ResourceCategory.values),
        "contact": st.one_of(st.just(""), PLAIN),
        "description": st.one_of(st.just(""), PLAIN),
    }


def api_token_fields(w) -> Fields:
    return {
        "name": st.one_of(st.just("HR feed"), PLAIN),
        "owner": st.one_of(choice([str(w["director"].pk), str(w["referrer"].pk)]), DIGITISH),
        "scope": choice(["referrals", "roster", "read_only", "full", "nobody"]),
        "expires_on": near_today(past=3, future=400),
    }


def invite_fields(w) -> Fields:
    return {
        "email": st.one_of(st.just("new.login@example.org"), st.just(w["referrer"].email), st.emails(), PLAIN),
        "role": choice(["referrer", "supporter", "clinician", "leader", "director", "nobody"]),
        "employee_id": choice(["", "P0", "C1", "nobody", *w["supporters"]]),
    }


def meeting_fields(w) -> Fields:
    def local(days: int, hour: int) -> str:
        moment = timezone.localtime(timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0)
        return f"{moment:%Y-%m-%dT%H:%M}"

    return {
        "title": st.one_of(st.just("Quarterly supporter meeting"), PLAIN),
        "starts_at": st.integers(-5, 400).map(lambda days: local(days, 17)),
        "ends_at": st.integers(-5, 400).map(lambda days: local(days, 19)),
        "place": st.one_of(st.just("Conference room B"), PLAIN),
    }


def local_minute(days: int, hour: int) -> str:
    moment = timezone.localtime(timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0)
    return f"{moment:%Y-%m-%dT%H:%M}"


def debrief_time_fields(w) -> Fields:
    return {
        "starts_at": st.integers(-2, 400).map(lambda days: local_minute(days, 14)),
        "ends_at": st.integers(-2, 400).map(lambda days: local_minute(days, 15)),
        "place": st.one_of(st.just("Chapel meeting room"), PLAIN),
    }


def debrief_fields(w) -> Fields:
    facilitators = choice([*w["supporters"], "C1", "P0", "nobody"])
    return {
        **debrief_time_fields(w),
        "category": choice(Category.values),
        "event_on": near_today(past=400, future=2),
        "department": choice(["", "Emergency", "Nowhere"]),
        "team_name": st.one_of(st.just("Code team"), st.just(""), PLAIN),
        "facilitator_one": facilitators,
        "facilitator_two": facilitators,
        "referral": st.one_of(st.just(""), st.just(str(w["waiting"].referral_id)), integer(1, 10), DIGITISH),
    }


def debrief_invitee_fields(w) -> Fields:
    people = st.one_of(choice([str(p.pk) for p in w["peers"]]), integer(1, 50), DIGITISH)
    return {
        "shown": st.lists(people, max_size=4),
        "invited": st.lists(people, max_size=4),
        "everyone_in": choice(["", "", "Emergency", "Nowhere"]),
    }


def debrief_record_fields(w) -> Fields:
    return {
        "attendance_count": integer(0, 6000),
        "minutes": integer(0, 700),
        "topics": st.lists(choice(GuideTopic.values), max_size=3),
        "resources": st.lists(resource_ids(w), max_size=3),
    }


def scenario_fields(w) -> Fields:
    return {
        "title": PLAIN, "situation": PLAIN, "feelings": PLAIN,
        "category": choice(Category.values), "role_type": choice(RoleType.values),
    }


def training_fields(w) -> Fields:
    return {"refresher_months": integer(1, 60), "notice_days": integer(1, 120), "pause_when_overdue": BOOL}


def course_fields(w) -> Fields:
    return {"name": st.one_of(st.just("Supporter basics"), PLAIN), "kind": choice(CourseKind.values),
            "summary": st.one_of(st.just(""), PLAIN), "active": BOOL}


def session_fields(w) -> Fields:
    return {
        "day": near_today(past=30, future=60),
        "time": choice(["09:00", "13:30", "23:59", "24:00", "9"]),
        "minutes": integer(15, 600),
        "place": st.one_of(st.just("Education center"), PLAIN),
        "facilitators": choice(["", ", ".join(w["supporters"]), "C1", "nobody", " , "]),
    }


def attendance_fields(w) -> Fields:
    return {
        "attendees": st.lists(choice(["C1", *w["supporters"]]), max_size=3),
        "others": choice(["", "P0", "P1 P2", "C1,P3", "nobody"]),
        "completed": choice(["yes", "no"]),
    }


def material_fields(w) -> Fields:
    return {
        "title": st.one_of(st.just("Listening guide"), PLAIN),
        "url": choice(["", "https://example.org/guide", "example.org/x", "javascript:alert(1)"]),
        "description": st.one_of(st.just(""), PLAIN),
        "course": choice(["", str(w["training_session"].course_id), "999999"]),
        "active": BOOL,
    }


def evaluation_fields(w) -> Fields:
    return {"usefulness": integer(1, 5), "readiness": integer(1, 5), "pace": choice(Pace.values)}


def about_me_fields(w) -> Fields:
    return {
        "gender": choice(["", *Gender.values]),
        "race_ethnicity": st.lists(choice(RaceEthnicity.values), max_size=3),
        "age_band": choice(["", *AgeBand.values]),
    }


def program_staff_fields(w) -> Fields:
    return {
        "protected_time_percent": st.one_of(st.just(""), integer(0, 100)),
        "away_from": st.one_of(st.just(""), near_today(past=10, future=60)),
        "away_until": st.one_of(st.just(""), near_today(past=10, future=60)),
        # The referrer may not deputize; no deputy is the only valid choice here.
        "deputy": choice(["", str(w["referrer"].pk)]),
    }


def roster_import_fields(w) -> Fields:
    headings = choice(["", "Employee ID", "Name", "Email", "Level", "Nope"])
    return {
        **{f"column_{name}": headings for name in ("employee_id", "name", "email", "rank", "first_name", "site")},
        "mapping_name": st.one_of(st.just("HR export"), PLAIN),
        "deactivate_missing": BOOL,
    }


def deck_fields(w) -> Fields:
    return {
        "program_name": st.one_of(st.just("Riverside Peer Support"), PLAIN),
        "saving_per_clinician": integer(0, 500_000),
        "supporter_hourly_cost": integer(0, 2_000),
        "director_hourly_cost": integer(0, 2_000),
    }


def case_url(name: str, case: str):
    return lambda w: reverse(name, args=[w[case].pk])


# name: (who posts, where, the fields)
FORMS = {
    "referral": ("referrer", lambda w: reverse("referral-new"), referral_fields),
    "self-referral": ("clinician", lambda w: reverse("support-ask"), self_referral_fields),
    # The peer's own path, signed out (who: None): asking for a personal link by work email.
    "ask-for-a-link": (None, lambda w: reverse("support-ask"), lambda w: {
        "email": st.one_of(st.just(w["clinician"].person.email), st.emails().map(str), PLAIN)}),
    # The self-referral form a personal link opens, signed out: its referral has no login behind it.
    "self-referral-by-link": (None, lambda w: reverse("support-link", args=[w["link_token"]]),
                              self_referral_fields),
    "assignment-and-override": ("director", case_url("case-assign", "waiting"), assignment_fields),
    "outreach": ("supporter", case_url("case-outreach", "assigned"),
                 lambda w: {"channel": choice(OutreachChannel.values), "send_email": choice(["", "", "on"])}),
    "response": ("supporter", case_url("case-response", "reached"),
                 lambda w: {"response": choice(Response.values)}),
    "encounter": ("supporter", case_url("case-encounter", "accepted"), lambda w: {
        "held_on": near_today(past=30, future=1),
        "minutes": integer(1, 600),
        "mode": choice(EncounterMode.values),
        "topics": st.lists(choice(GuideTopic.values), max_size=3),
        "follow_up_planned": BOOL,
    }),
    "resource-share": ("supporter", case_url("case-resource", "reached"),
                       lambda w: {"resource": resource_ids(w), "facilitated": choice(["0", "1"])}),
    "information-sheet": ("supporter", case_url("case-sheet-send", "reached"),
                          lambda w: {"resource": st.lists(resource_ids(w), min_size=1, max_size=3)}),
    "hand-back": ("supporter", case_url("case-hand-back", "assigned"),
                  lambda w: {"reason": choice(DeclineReason.values)}),
    "legal-hold": ("director", case_url("case-legal-hold", "accepted"),
                   lambda w: {"legal_hold": choice(["on", "off"])}),
    # Whether the case's suggestions include the other hospitals' shared supporters.
    "outside-wish": ("director", case_url("case-outside-wish", "waiting"),
                     lambda w: {"outside": choice(["on", "off"])}),
    "new-person": ("director", lambda w: reverse("person-new"), new_person_fields),
    "person-edit": ("director", lambda w: reverse("person-edit", args=[w["candidate"].employee_id]),
                    person_fields),
    "supporter": ("director", lambda w: reverse("supporter-edit", args=[w["candidate"].employee_id]),
                  supporter_fields),
    "program-settings": ("director", lambda w: reverse("program-settings"), program_settings_fields),
    # Giving one of the program's sites to another program (the only program here: refused).
    "program-sites": ("director", lambda w: reverse("program-sites"), lambda w: {
        "site": st.one_of(choice(["Main Campus", "Northside", ""]), PLAIN),
        "program": st.one_of(choice(["1", "2", "0"]), PLAIN)}),
    "emergency-access": ("administrator", lambda w: reverse("case-break-glass"), lambda w: {
        "case_number": st.one_of(choice(str(w[key].pk) for key in ("waiting", "assigned", "accepted")), PLAIN),
        "reason": choice(BreakGlassReason.values),
        "no_director": BOOL,
    }),
    "program-staff": ("director", lambda w: reverse("program-staff"), program_staff_fields),
    "about-me": ("clinician", lambda w: reverse("about-me"), about_me_fields),
    "new-resource": ("director", lambda w: reverse("resource-new"), resource_fields),
    "resource-edit": ("director", lambda w: reverse("resource-edit", args=[w["resources"][0].pk]),
                      resource_fields),
    # Buttons: no fields of their own, so whatever arrives is unknown fields and repeated values.
    "apply-plan": ("director", lambda w: reverse("referral-plan", args=[w["waiting"].referral_id]),
                   lambda w: {}),
    "close": ("supporter", case_url("case-close", "accepted"), lambda w: {}),
    "safety-escalation": ("supporter", case_url("case-safety", "assigned"),
                          lambda w: {"confirmed": choice(["yes", "no", ""])}),
    "undo-decline": ("supporter", case_url("case-response-undo", "assigned"), lambda w: {}),
    "send-set-aside-mail-again": ("director", lambda w: reverse("outbox-retry"), lambda w: {}),
    "resource-off": ("director", lambda w: reverse("resource-deactivate", args=[w["resources"][0].pk]),
                     lambda w: {}),
    "resource-on": ("director", lambda w: reverse("resource-reactivate", args=[w["resources"][2].pk]),
                    lambda w: {}),
    "invite-login": ("director", lambda w: reverse("login-invite"), invite_fields),
    "forgot-password": ("referrer", lambda w: reverse("password-forgot"), lambda w: {
        "email": st.one_of(st.just(w["referrer"].email), st.just("nobody@example.org"), st.emails(), PLAIN),
    }),
    "make-api-token": ("director", lambda w: reverse("api-token-new"), api_token_fields),
    "revoke-api-token": ("director", lambda w: reverse("api-token-revoke", args=[w["api_token"].pk]),
                         lambda w: {}),
    "deactivate-login": ("director", lambda w: reverse("login-deactivate", args=[w["referrer"].pk]),
                         lambda w: {}),
    "training-settings": ("director", lambda w: reverse("training-settings"), training_fields),
    "new-course": ("director", lambda w: reverse("training-course-new"), course_fields),
    "new-session": ("director", lambda w: reverse("training-session-new", args=[w["training_session"].course_id]),
                    session_fields),
    "training-attendance": ("director", lambda w: reverse("training-session", args=[w["training_session"].pk]),
                   attendance_fields),
    "new-material": ("director", lambda w: reverse("training-material-new"), material_fields),
    # An attendee's evaluation through their personal link, signed out.
    "evaluation": (None, lambda w: reverse("training-evaluation", args=[w["evaluation_token"]]),
                   evaluation_fields),
    "reset-two-step": ("director", lambda w: reverse("login-two-factor-reset", args=[w["supporter"].pk]),
                       lambda w: {}),
    "schedule-meeting": ("director", lambda w: reverse("meeting-new"), meeting_fields),
    "change-meeting": ("director", lambda w: reverse("meeting-edit", args=[w["meeting"].pk]), meeting_fields),
    "meeting-attendance": ("director", lambda w: reverse("meeting-attendance", args=[w["past_meeting"].pk]),
                   lambda w: {"attended": st.lists(choice([str(w["supporter"].person.supporter.pk), "0", "x"]),
                                                   max_size=3)}),
    # A supporter's answer through the link in their invitation, signed out.
    "rsvp-by-link": (None, lambda w: reverse("meeting-rsvp", args=[w["rsvp_token"]]),
                     lambda w: {"answer": choice(["yes", "no", "maybe"])}),
    # Group debriefs: opening one, its time and place, whom to invite, its record; cancelling and the
    # follow-up are buttons; an invitee asks for one-to-one support through the follow-up link, signed out.
    "open-debrief": ("director", lambda w: reverse("debrief-new"), debrief_fields),
    "change-debrief": ("director", lambda w: reverse("debrief-edit", args=[w["debrief"].pk]), debrief_time_fields),
    "debrief-invitees": ("director", lambda w: reverse("debrief-invitees", args=[w["debrief"].pk]),
                         debrief_invitee_fields),
    "debrief-record": ("director", lambda w: reverse("debrief-record", args=[w["held_debrief"].pk]),
                       debrief_record_fields),
    "cancel-debrief": ("director", lambda w: reverse("debrief-cancel", args=[w["debrief"].pk]), lambda w: {}),
    "debrief-follow-up": ("director", lambda w: reverse("debrief-follow-up", args=[w["held_debrief"].pk]),
                          lambda w: {}),
    "debrief-support-by-link": (None, lambda w: reverse("debrief-support", args=[w["follow_up_token"]]),
                                lambda w: {}),
    "new-scenario": ("director", lambda w: reverse("scenario-new"), scenario_fields),
    "scenario-edit": ("director", lambda w: reverse("scenario-edit", args=[w["scenario"].pk]), scenario_fields),
    "deck-assumptions": ("director", lambda w: reverse("reports-deck"), deck_fields),
    # How a supporter is told of a new peer (texts are refused while no gateway is set up).
    "notify-by": ("supporter", lambda w: reverse("my-team-notifications"),
                  lambda w: {"notify_by": choice(["email", "text", "both"])}),
    # Whether the supporter may be suggested to the other hospitals' peers.
    "sharing": ("supporter", lambda w: reverse("my-team-sharing"), lambda w: {"shared": BOOL}),
    # The roster import: the upload (no file arrives here: only unknown fields), the column mapping,
    # and the import button of a file not yet checked.
    "roster-import-upload": ("director", lambda w: reverse("roster-import-new"), lambda w: {}),
    "roster-import-mapping": ("director", lambda w: reverse("roster-import", args=[w["roster_import"].pk]),
                              roster_import_fields),
    "roster-import-start": ("director", lambda w: reverse("roster-import-start", args=[w["roster_import"].pk]),
                            lambda w: {}),
    # A signed-in person's own language (the layout's English / Español switch posts here too).
    "own-language": ("clinician", lambda w: reverse("language"),
                     lambda w: {"language": choice(["en", "es"]), "next": st.one_of(st.just("/support/"), PLAIN)}),
}


def sign_in_once(client: Client, user) -> Client:
    """Signed in before the first example; the examples (each rolled back) share the session."""
    if getattr(client, "fuzz_user", None) != user.pk:
        client.force_login(user)
        client.fuzz_user = user.pk
    return client


_strategies: dict[tuple[str, int], st.SearchStrategy] = {}


def strategy_for(form: str, world: dict) -> st.SearchStrategy[dict[str, Any]]:
    """Built once per test, not once per example (building strategies is the slow part)."""
    key = (form, id(world))
    if key not in _strategies:
        _strategies.clear()
        _strategies[key] = form_data(FORMS[form][2](world))
    return _strategies[key]


@pytest.mark.parametrize("form", FORMS)
@given(data=st.data(), encoding=ENCODING)
@FUZZ
def test_web_form_refuses_bad_input_with_a_message_and_changes_nothing(form, data, encoding, client, world):
    who, url, _ = FORMS[form]
    poster = client if who is None else sign_in_once(client, world[who])
    check_post(poster, url(world), data.draw(strategy_for(form, world)), encoding)


@given(data=st.data(), encoding=ENCODING)
@FUZZ
def test_sign_in_form_refuses_bad_input_with_a_message_and_signs_no_one_in(data, encoding, client, world):
    user = world["supporter"]
    fields = {"username": st.one_of(st.just(user.username), PLAIN),
              "password": st.one_of(st.just("correct horse battery staple"), PLAIN)}
    form = data.draw(form_data(fields))
    with transaction.atomic():
        response = post(client, reverse("login"), form, encoding)
        assert response.status_code < 500, f"{response.status_code} for {form!r}"
        if response.status_code != 302:
            assert "_auth_user_id" not in client.session
            assert alert_text(response), f"no message on the page refusing {form!r}"
        client.logout()
        transaction.set_rollback(True)


@given(data=st.data(), encoding=ENCODING)
@FUZZ
def test_printable_sheet_shows_a_sheet_for_any_choice_and_changes_nothing(data, encoding, client, world):
    url = reverse("case-sheet", args=[world["reached"].pk])
    form = data.draw(form_data({"resource": st.lists(resource_ids(world), max_size=3)}))
    sign_in_once(client, world["supporter"])
    with transaction.atomic():
        before = snapshot()
        response = post(client, url, form, encoding)
        assert response.status_code == 302, f"{response.status_code} for {form!r}"
        assert response["Location"].startswith(url)  # the sheet at a plain address
        shown = client.get(response["Location"])
        assert shown.status_code == 200, f"{shown.status_code} for {response['Location']}"
        assert before == snapshot(), "printing a sheet changed the program's records"
        transaction.set_rollback(True)


@pytest.mark.parametrize("step", ["two-factor", "two-factor-enroll"])
@given(data=st.data(), encoding=ENCODING)
@FUZZ
def test_two_factor_forms_refuse_bad_codes_with_a_message_and_let_no_one_past(step, data, encoding, client, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peersupport.accounts.testing import force_login_unverified
    from peersupport.accounts.two_factor import pending_device

    director = world["director"]
    TOTPDevice.objects.filter(user=director).delete()
    device = pending_device(director)
    if step == "two-factor":
        device.confirmed = True
        device.save()
    codes = st.one_of(st.text("0123456789", min_size=6, max_size=6), st.just("000000"), PLAIN)
    form = data.draw(form_data({"code": codes, "next": st.one_of(st.just("/queue/"), NASTY)}))
    with transaction.atomic():
        force_login_unverified(client, director)
        response = post(client, reverse(step), form, encoding)
        assert response.status_code < 500, f"{response.status_code} for {form!r}"
        if response.status_code != 302:
            assert 400 <= response.status_code < 500
            assert alert_text(response), f"no message on the page refusing {form!r}"
            # Still only half signed in: every other page sends the director back to the code.
            assert client.get(reverse("queue")).status_code == 302
        client.logout()
        transaction.set_rollback(True)


# Pages that read their query string: who opens them, where, and the parameters they read.
QUERIES = {
    "queue": ("director", lambda w: reverse("queue"), ["page"]),
    "overview": ("director", lambda w: reverse("overview"), ["page"]),
    "cases": ("director", lambda w: reverse("cases"), ["state", "page"]),
    "case": ("director", case_url("case", "waiting"), ["reassign"]),
    "printable-sheet": ("supporter", case_url("case-sheet", "reached"), ["resource"]),
    "roster": ("director", lambda w: reverse("roster"), ["q", "department", "specialty", "role_type", "site",
                                                         "active", "page"]),
    "supporters": ("director", lambda w: reverse("supporters"), ["status", "page"]),
    "roster-lookup": ("referrer", lambda w: reverse("roster-lookup"), ["q", "involved"]),
    "roster-chip": ("referrer", lambda w: reverse("roster-chip"), ["employee_id", "involved"]),
    "sign-in": ("nobody", lambda w: reverse("login"), ["next"]),
    "logins": ("director", lambda w: reverse("logins"), ["q", "page"]),
    "login-invite": ("director", lambda w: reverse("login-invite"), ["email", "role", "employee_id"]),
    "supporter-add": ("director", lambda w: reverse("supporter-add"), ["q"]),
    "team-composition": ("director", lambda w: reverse("team-composition"), ["fewer_than"]),
    "reports-deck": ("director", lambda w: reverse("reports-deck"), ["period"]),
}


@pytest.mark.parametrize("page", QUERIES)
@given(data=st.data())
@FUZZ
def test_pages_answer_any_query_string_without_a_server_error_or_a_change(page, data, client, world):
    who, url, names = QUERIES[page]
    if who != "nobody":
        sign_in_once(client, world[who])
    likely = st.one_of(integer(0, 5), DIGITISH, PLAIN)
    query = data.draw(st.fixed_dictionaries({}, optional={name: field(likely) for name in names}))
    with transaction.atomic():
        before = snapshot()
        # Hand-built, so that what the client library would refuse to encode reaches the page too.
        response = client.get(url(world) + "?" + urlencode(query, doseq=True))
        assert response.status_code in (200, 302, 404), f"{response.status_code} for {query!r}"
        assert before == snapshot(), f"opening {page} changed the program's records"
        transaction.set_rollback(True)
