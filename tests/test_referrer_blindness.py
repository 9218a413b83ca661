"""Referrer blindness, proven: what a referrer can reach never depends on what happened next.

Three referrers each refer one colleague, in referrals identical but for who is involved. One
peer accepts support (a conversation, a resource, the case closed), one declines (the case
closed), and one case is never even assigned. Every page and API answer each referrer can ask
for (found by walking the URL configuration, with their own referral, case and colleague in the
path), the API receipt replayed, and every email sent to them, is collected after the cases
moved on (and, for one referrer, before). Once ids, times and per-request tokens are blanked
out, all the collections are identical: a referrer cannot tell an accepted offer from a
declined or an ignored one, nor from the moment they referred.
"""

import difflib
import json
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from peersupport.accounts.models import ApiToken, Role, User
from peersupport.accounts.policy import API
from peersupport.cases import actions
from peersupport.cases.actions import EncounterInput
from peersupport.cases.models import Case, CaseState
from peersupport.cases.services import case_assign
from peersupport.cases.timeliness import send_due_notices
from peersupport.notifications.models import OutboxMessage
from peersupport.notifications.services import outbox_flush
from peersupport.program.models import Program
from peersupport.referrals.models import Referral
from peersupport.resources.models import Resource
from peersupport.roster.models import Person
from peersupport.testing.factories import make_person, make_user
from peersupport.testing.routes import api_methods, site_routes

OUTCOMES = ("accepted", "declined", "never assigned")
MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
# Differences that are not information about the case: this request's tokens, ids, clock times.
BLANK = [
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken" value=""'),
    (re.compile(r'name="key" value="[^"]*"'), 'name="key" value=""'),  # the form's fresh idempotency key
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"), "<time>"),
    (re.compile(rf"\d{{1,2}} {MONTHS} \d{{4}}, \d{{1,2}}:\d{{2}}"), "<time>"),
    # The US form the pages use ("November 30, 2026, 18:19"): a slow run crosses a minute between
    # the two referrers' walks.
    (re.compile(rf"{MONTHS} \d{{1,2}}, \d{{4}}, \d{{1,2}}:\d{{2}}(?: ?[ap]\.?m\.?)?"), "<time>"),
    (re.compile(r"/(referrals|cases)/\d+"), r"/\1/<id>"),
    # A link to a referral or case that shows its number.
    (re.compile(r'(href="/(?:referrals|cases)/<id>/"[^>]*>)#?\d+<'), r"\1<id><"),
    (re.compile(r'"(\w*_id|id)": ?\d+'), r'"\1": <id>'),
    # Pages show an id in an element named for it (`data-testid="referral-number"`).
    (re.compile(r'(data-testid="[\w-]*-(?:number|id)">)\s*\d+\s*<'), r"\1<id><"),
]


@dataclass
class Referred:
    outcome: str
    referrer: User
    peer: Person
    referral: Referral
    key: str

    @property
    def case(self) -> Case:
        return self.referral.cases.get()


def refer_through_the_api(referrer: User, peer: Person, key: str) -> Referral:
    body = {
        "event": {"category": "patient_death", "occurred_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
                  "summary": "A patient died unexpectedly after a routine admission."},
        "involved": [{"employee_id": peer.employee_id}],
        "source": "colleague",
    }
    response = Client().post("/api/v1/referrals", json.dumps(body), content_type="application/json",
                             headers={**bearer(referrer), "Idempotency-Key": key})
    assert response.status_code == 201, response.content
    return Referral.objects.get(pk=response.json()["referral_id"])


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


@pytest.fixture
def resource(db) -> Resource:
    return Resource.objects.create(name="Blindness Test Line", category="counseling", contact="+1 555 0140")


@pytest.fixture
def referred(db) -> dict[str, Referred]:
    """One referral per outcome, alike in all but the colleague involved and who referred them."""
    found = {}
    for number, outcome in enumerate(OUTCOMES, start=1):
        # Same names, so only what ids, emails and phones say differs (and those are blanked).
        referrer = make_user(Role.REFERRER, person=make_person(name="Riley Referrer", department="Surgery",
                                                               employee_id=f"R900{number}"))
        peer = make_person(name="Pat Peer", department="Emergency", employee_id=f"P900{number}")
        key = f"blindness-{number}"
        found[outcome] = Referred(outcome, referrer, peer, refer_through_the_api(referrer, peer, key), key)
    return found


def walk_the_cases(referred: dict[str, Referred], director: User, supporter, resource: Resource) -> None:
    """Through the services, as the program would: one accepts, one declines, one waits."""
    today = timezone.localdate()
    for outcome in ("accepted", "declined"):
        case = referred[outcome].case
        case_assign(actor=director, case_id=case.pk, supporter_employee_id=supporter.person.employee_id)
        actor = supporter.person.user
        actions.case_record_outreach(actor=actor, case_id=case.pk, channel="email", send_email=True)
        actions.case_record_response(actor=actor, case_id=case.pk, response=outcome)
        if outcome == "accepted":
            actions.case_record_encounter(actor=actor, case_id=case.pk, data=EncounterInput(
                held_on=today, minutes=40, mode="phone", topics=("opening", "story")))
        actions.case_record_resource(actor=actor, case_id=case.pk, resource_id=resource.pk, facilitated=True)
        actions.case_send_information_sheet(actor=actor, case_id=case.pk, resource_ids=[resource.pk])
        actions.case_close(actor=actor, case_id=case.pk)
    # Reminders and escalations for whatever is late, as the scheduled job would send them.
    send_due_notices(now=timezone.now() + timedelta(days=30))
    outbox_flush(now=timezone.now() + timedelta(days=31))


def blank_out(text: str, referred: dict[str, Referred]) -> str:
    for pattern, replacement in BLANK:
        text = pattern.sub(replacement, text)
    for one in referred.values():
        for person, label in ((one.referrer.person, "<referrer>"), (one.peer, "<peer>")):
            for value in (person.employee_id, person.email, person.phone):
                text = text.replace(value, label)
        text = text.replace(one.referrer.email, "<referrer login>").replace(one.key, "<key>")
    return text


def what_the_referrer_sees(one: Referred, referred: dict[str, Referred], resource: Resource) -> dict[str, str]:
    """Every GET route with their own objects in the path, the receipt replayed, their emails."""
    web, api = Client(), Client()
    web.force_login(one.referrer)
    headers = {**bearer(one.referrer), "Idempotency-Key": one.key}
    values = {"referral_id": one.referral.pk, "case_id": one.case.pk, "employee_id": one.peer.employee_id,
              "resource_id": resource.pk, "rest": "no-such-thing",
              # Logins are not the referrer's to manage (403); a set-password link naming no one.
              "login_id": 1, "uidb64": "MA", "token": "set-password",
              # Meetings and scenarios are program staff's (403 to a referrer).
              "meeting_id": 1, "scenario_id": 1,
              # Group debriefs are program staff's and their facilitators' (403 to a referrer).
              "debrief_id": 1,
              # Recruiting is the program staff's (403 to a referrer).
              "campaign_id": 1, "candidate_id": 1,
              # Roster imports are program staff's (403 to a referrer).
              "roster_import_id": 1,
              # Training is program staff's (403 to a referrer), whichever course, session or material.
              "course_id": 1, "session_id": 1, "material_id": 1,
              # A calendar feed address never given out.
              "feed_token": "cal_no-such-feed",
              # The publicity checklist is program staff's (403 to a referrer).
              "place_id": 1, "date_id": 1,
              # A program's public page: the same for anyone.
              "short_name": Program.default().short_name,
              # Reports are leadership's and program staff's (403 to a referrer).
              "table": "outcomes_by_category", "file_format": "csv",
              # Integration tokens are the director's (403 to a referrer).
              "token_id": 1}
    answers = {}
    for route in site_routes():
        url = route.url(values)
        if route.in_api:
            # The schema and its docs are public, the same for everyone; they need no comparing.
            public = getattr(API.get(route.api_path, {}).get("GET"), "public", False)
            if "GET" in api_methods(route) and not public:
                answers[f"API GET {route.api_path}"] = api.get(url, headers=headers)
        else:
            answers[f"page {route.name}"] = web.get(url)
    answers["page roster-lookup, searched"] = web.get("/roster/lookup/", {"q": "Pat"})
    answers["page roster-chip, their colleague"] = web.get("/roster/lookup/chip/",
                                                           {"employee_id": one.peer.employee_id})
    replay = refer_again_body(one)
    answers["API POST /referrals, replayed"] = api.post("/api/v1/referrals", replay, content_type="application/json",
                                                        headers=headers)
    seen = {
        label: f"{response.status_code} {response.get('Content-Type', '')} {response.get('Location', '')}\n"
        + response.content.decode()
        for label, response in answers.items()
    }
    addresses = {one.referrer.email, one.referrer.person.email}
    seen["emails in the outbox"] = repr(sorted(
        (m.subject, m.body) for m in OutboxMessage.objects.filter(to__in=addresses)))
    seen["emails delivered"] = repr(sorted(
        (m.subject, m.body) for m in mail.outbox
        if addresses & {*m.to, *m.cc, *m.bcc, *m.reply_to}))
    return {label: blank_out(text, referred) for label, text in seen.items()}


def refer_again_body(one: Referred) -> str:
    return json.dumps({
        "event": {"category": "patient_death", "occurred_on": one.referral.occurred_on.isoformat(),
                  "summary": one.referral.summary},
        "involved": [{"employee_id": one.peer.employee_id}],
        "source": "colleague",
    })


def differences(first: dict[str, str], second: dict[str, str]) -> str:
    lines = []
    for label in sorted(set(first) | set(second)):
        a, b = first.get(label, ""), second.get(label, "")
        if a != b:
            lines.append(f"--- {label}")
            lines += list(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=1))[2:12]
    return "\n".join(lines)


def test_a_referrer_cannot_tell_accepted_from_declined_or_never_assigned(referred, resource, director, supporter_a):
    # The clock stands still while the pages are read: pages that show the time to the minute
    # must not differ because a minute turned on a slow machine.
    with time_machine.travel(timezone.now(), tick=False):
        # Before anything happens, and nothing changes it: one referrer's view is enough here.
        before = what_the_referrer_sees(referred["accepted"], referred, resource)
        walk_the_cases(referred, director, supporter_a, resource)
        assert [referred[o].case.state for o in OUTCOMES] == [CaseState.CLOSED, CaseState.CLOSED,
                                                               CaseState.AWAITING_ASSIGNMENT]
        assert referred["accepted"].case.encounters.exists() and not referred["declined"].case.encounters.exists()
        after = {outcome: what_the_referrer_sees(one, referred, resource) for outcome, one in referred.items()}

    reference = after["accepted"]
    assert len(reference) > 40, "The walk found too few routes: has the URL configuration moved?"
    for label, seen in [*((f"after, {o}", after[o]) for o in OUTCOMES), ("before, accepted", before)]:
        assert seen == reference, f"The referrer can tell '{label}' from 'after, accepted':\n" + differences(
            reference, seen)
    assert reference["emails in the outbox"] == reference["emails delivered"] == "[]"
