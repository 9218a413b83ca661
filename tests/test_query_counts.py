"""Every key page and API call takes the same number of queries for a small program as for one
ten times its size: no query per row (N+1) anywhere a director, supporter or referrer looks.

One program is built (20 people, 4 supporters), every page and call is counted, the program is
grown to 200 people and 40 supporters with more referrals and cases in every state, and every
page and call is counted again. Each is asked once before it is counted, so what happens once
per sign-in or per token (the session's two-step marker, the token's last use) is not counted.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from peersupport.accounts.models import ApiToken, Role, User
from peersupport.accounts.testing import force_login_verified
from peersupport.cases.actions import (
    EncounterInput,
    case_close,
    case_record_encounter,
    case_record_outreach,
    case_record_response,
)
from peersupport.cases.models import Case
from peersupport.cases.services import case_assign
from peersupport.program.models import ProgramSettings
from peersupport.referrals.models import Referral
from peersupport.referrals.services import ReferralInput, referral_create
from peersupport.resources.models import Resource
from peersupport.roster.models import Person, Supporter
from peersupport.testing.factories import make_person, make_supporter, make_user

SMALL = {"people": 20, "supporters": 4, "referrals": 4}
LARGE = {"people": 200, "supporters": 40, "referrals": 24}
# The module's tests name the database, so that the test database is set up before `counts`.
pytestmark = pytest.mark.django_db
DEPARTMENTS = ["Emergency", "Surgery", "Pediatrics", "Oncology", "Anesthesia"]


@dataclass
class World:
    director: User
    referrer: User
    supporter: Supporter
    waiting: Case
    assigned: Case
    referral: Referral
    people: list[Person] = field(default_factory=list)
    supporters: list[Supporter] = field(default_factory=list)
    logins: dict[int, User] = field(default_factory=dict)
    fresh: Iterator[Person] = iter(())


def _refer(referrer: User, person: Person) -> Referral:
    referral, _ = referral_create(referred_by=referrer, data=ReferralInput(
        category="patient_death", occurred_on=date(2026, 1, 20),
        summary="A patient died unexpectedly after a routine admission.",
        involved_employee_ids=[person.employee_id], source="safety_report"))
    return referral


def _grow(world: World, *, people: int, supporters: int, referrals: int) -> None:
    """Add people, supporters (some with a login) and referrals whose cases end up in every state."""
    start = len(world.people)
    for n in range(start, people):
        world.people.append(make_person(name=f"Staff Member {n}", employee_id=f"QC{n:05d}",
                                        department=DEPARTMENTS[n % len(DEPARTMENTS)]))
    for n in range(len(world.supporters), supporters):
        supporter = make_supporter(make_person(name=f"Team Supporter {n}", employee_id=f"QS{n:05d}",
                                               department=DEPARTMENTS[n % len(DEPARTMENTS)]),
                                   capacity=3)
        if n % 2 == 0:
            world.logins[supporter.pk] = make_user(Role.SUPPORTER, person=supporter.person)
        world.supporters.append(supporter)
    # The first new people are referred; their cases end up in every state in turn.
    done = Case.objects.count()
    for n in range(done, done + referrals - 2):
        peer = world.people[start + n - done]
        case = _refer(world.referrer, peer).cases.get()
        step = n % 6
        if step == 0:
            continue  # awaiting assignment
        holder = world.supporters[n % len(world.supporters)]
        if holder.pk not in world.logins:
            holder = world.supporter
        case_assign(actor=world.director, case_id=case.pk, supporter_employee_id=holder.person.employee_id,
                    override_reason="other")
        actor = world.logins[holder.pk]
        if step >= 2:
            case_record_outreach(actor=actor, case_id=case.pk, channel="call")
        if step >= 3:
            case_record_response(actor=actor, case_id=case.pk, response="accepted")
        if step >= 4:
            case_record_encounter(actor=actor, case_id=case.pk, data=EncounterInput(
                held_on=date(2026, 11, 2), minutes=30, mode="phone"))
        if step >= 5:
            case_close(actor=actor, case_id=case.pk)
    # Intake names people nobody has referred yet.
    world.fresh = iter(world.people[start + referrals:])


def _build() -> World:
    ProgramSettings.current()
    director = make_user(Role.DIRECTOR, person=make_person(name="Dora Director"))
    referrer = make_user(Role.REFERRER)
    supporter = make_supporter(make_person(name="Alex Supporter", employee_id="QA00001"), capacity=50)
    supporter_login = make_user(Role.SUPPORTER, person=supporter.person)
    Resource.objects.create(name="Employee assistance program", category="eap", contact="+1 555 0100")
    waiting_peer = make_person(name="Wren Waiting", employee_id="QW00001")
    assigned_peer = make_person(name="Ash Assigned", employee_id="QW00002")
    waiting_referral = _refer(referrer, waiting_peer)
    assigned = case_assign(actor=director, case_id=_refer(referrer, assigned_peer).cases.get().pk,
                           supporter_employee_id=supporter.person.employee_id)
    world = World(director=director, referrer=referrer, supporter=supporter,
                  waiting=waiting_referral.cases.get(), assigned=assigned, referral=waiting_referral)
    world.logins[supporter.pk] = supporter_login
    _grow(world, **SMALL)
    return world


@dataclass
class Clients:
    web: dict[str, Client]
    tokens: dict[str, str]


def _clients(world: World) -> Clients:
    web = {"anonymous": Client()}
    tokens = {}
    for persona, user in (("director", world.director), ("referrer", world.referrer),
                          ("supporter", world.logins[world.supporter.pk])):
        web[persona] = Client()
        force_login_verified(web[persona], user)
        tokens[persona] = ApiToken.issue(user)[1]
    return Clients(web, tokens)


Ask = Callable[[World, Clients], Any]


def _page(persona: str, path: Callable[[World], str], **headers: str) -> Ask:
    def ask(world: World, clients: Clients) -> Any:
        response = clients.web[persona].get(path(world), headers=headers)
        assert response.status_code == 200, (path(world), response.status_code)
        return response
    return ask


def _api(persona: str, method: str, path: Callable[[World], str],
         body: Callable[[World], Any] | None = None, status: int = 200) -> Ask:
    def ask(world: World, clients: Clients) -> Any:
        data = json.dumps(body(world)) if body else ""
        response = clients.web["anonymous"].generic(
            method, "/api/v1" + path(world), data=data, content_type="application/json",
            headers={"Authorization": f"Bearer {clients.tokens[persona]}"})
        assert response.status_code == status, (path(world), response.status_code, response.content[:300])
        return response
    return ask


def _one_clinician(world: World) -> dict[str, Any]:
    return {"event": {"category": "medical_error", "occurred_on": "2026-11-20",
                      "summary": "Unexpected airway complication during a procedure.",
                      "interventional": True},
            "involved": [{"employee_id": next(world.fresh).employee_id}],
            "source": "safety_report"}


ASKS: dict[str, Ask] = {
    "director queue": _page("director", lambda w: "/queue/"),
    "director case page awaiting assignment": _page("director", lambda w: f"/cases/{w.waiting.pk}/"),
    "director case page of an assigned case": _page("director", lambda w: f"/cases/{w.assigned.pk}/"),
    "director cases list": _page("director", lambda w: "/cases/"),
    "director overview": _page("director", lambda w: "/overview/"),
    "director roster search": _page("director", lambda w: "/roster/?q=Staff"),
    "director supporters page": _page("director", lambda w: "/supporters/"),
    "director logins page": _page("director", lambda w: "/logins/"),
    "director training page": _page("director", lambda w: "/training/"),
    "supporter my cases": _page("supporter", lambda w: "/my/cases/"),
    "supporter my training": _page("supporter", lambda w: "/my/training/"),
    "supporter case page": _page("supporter", lambda w: f"/cases/{w.assigned.pk}/"),
    "referrer referral form": _page("referrer", lambda w: "/referrals/new/"),
    "referrer receipt": _page("referrer", lambda w: f"/referrals/{w.referral.pk}/"),
    "public support page": _page("anonymous", lambda w: "/support/"),
    "referrer type-ahead lookup": _page("referrer", lambda w: "/roster/lookup/?q=Staff", HX_Request="true"),
    "API GET /cases": _api("director", "GET", lambda w: "/cases"),
    "API GET /cases/{id}": _api("director", "GET", lambda w: f"/cases/{w.assigned.pk}"),
    "API GET /cases/{id}/suggestions": _api("director", "GET", lambda w: f"/cases/{w.waiting.pk}/suggestions"),
    "API GET /referrals/{id}/plan": _api("director", "GET", lambda w: f"/referrals/{w.referral.pk}/plan"),
    "API GET /resources": _api("referrer", "GET", lambda w: "/resources"),
    "API POST /referrals for one clinician": _api("referrer", "POST", lambda w: "/referrals",
                                                   body=_one_clinician, status=201),
}


def _count(world: World, clients: Clients) -> dict[str, int]:
    counts = {}
    for name, ask in ASKS.items():
        ask(world, clients)  # once first: what happens once per session or token is not counted
        with CaptureQueriesContext(connection) as captured:
            ask(world, clients)
        counts[name] = len(captured.captured_queries)
    return counts


@pytest.fixture(scope="module")
def counts(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, tuple[int, int]]]:
    """(queries in the small program, queries in the large one) for every page and call."""
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ), transaction.atomic():
        cache.clear()
        world = _build()
        clients = _clients(world)
        small = _count(world, clients)
        _grow(world, **LARGE)
        large = _count(world, clients)
        transaction.set_rollback(True)
    cache.clear()
    yield {name: (small[name], large[name]) for name in ASKS}


@pytest.mark.parametrize("name", list(ASKS))
def test_key_page_or_call_takes_the_same_number_of_queries_at_ten_times_the_size(
    counts: dict[str, tuple[int, int]], name: str
) -> None:
    small, large = counts[name]
    assert small == large, f"{name}: {small} queries with {SMALL}, {large} with {LARGE}"
