"""The access-policy table (peersupport/accounts/policy.py), enforced over every route.

The URL configuration is walked, web pages and API operations alike: a route without a row in
the table fails the suite. Then every route is called as every role and as a signed-out visitor,
each answer checked against the table. Allowed means anything but 401, 403, 404, 405, a 5xx or a
trip to the sign-in page (a refused action may answer 409 or 422: that is about the case's state
or the input, not about who asks). Denied means exactly the table's status.

Real objects fill the path parameters: a referral made by the referrer, its case assigned to
supporter A ("own case"), which supporter B also asks for ("other's case"), a resource, and
supporter A's roster entry. Every request runs in a savepoint that is rolled back, so one
role's action (closing the case, handing it back) never changes what the next request sees.
"""

import json
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from peersupport.accounts.models import ApiToken, User
from peersupport.accounts.policy import (
    ALLOWED,
    API,
    DIRECTOR,
    GET,
    POST,
    PUT,
    SIGN_IN,
    WEB,
    Rule,
    Scope,
    expected_answer,
)
from peersupport.roster.models import Supporter
from peersupport.testing.factories import program_settings
from peersupport.testing.routes import Route, api_methods, site_routes

POLICY_FILE = "peersupport/accounts/policy.py"
# Unlisted methods a page must refuse. PUT stands for the rest: a class-based view answers it
# when it defines a handler (a FormView takes PUT as POST); PATCH and DELETE fall under the same.
UNLISTED = (GET, POST, PUT)

# Persona -> the conftest fixture that makes it (None: signed out).
PERSONAS: dict[str, str | None] = {
    "director": "director",
    "administrator": "administrator",
    "supporter_own": "supporter_a",
    "supporter_other": "supporter_b",
    "referrer": "referrer",
    "clinician": "outsider",
    "leader": "leader",
    "integration": "integration",
    "anonymous": None,
}
# Whose object the route is about: supporter A's case, the referrer's referral, the group debrief
# supporter A facilitates.
OWNERS = {Scope.OWN_CASE: "supporter_own", Scope.OWN_REFERRAL: "referrer", Scope.OWN_DEBRIEF: "supporter_own"}


def persona_user(request, persona: str) -> User | None:
    fixture = PERSONAS[persona]
    if fixture is None:
        return None
    value = request.getfixturevalue(fixture)
    return value.person.user if isinstance(value, Supporter) else value


def web_routes() -> list[Route]:
    return [route for route in site_routes() if not route.in_api]


def api_operations() -> list[tuple[str, Route]]:
    return [(method, route) for route in site_routes() if route.in_api for method in api_methods(route)]


# Every route is in the table


def test_every_page_has_a_row_in_the_access_policy(db):
    routes = web_routes()
    unnamed = sorted(route.route for route in routes if not route.name)
    assert not unnamed, f"Give these URL patterns a name, so the access policy can refer to them: {unnamed}"
    missing = sorted({route.name for route in routes} - set(WEB))
    assert not missing, (
        f"These pages have no row in the access policy: {missing}. Add each to WEB in {POLICY_FILE}, "
        "saying which roles may use it with which method (and, for a page about one object, its scope)."
    )
    stale = sorted(set(WEB) - {route.name for route in routes})
    assert not stale, f"The access policy has rows for pages that no longer exist: {stale}. Remove them."


def test_every_api_operation_has_a_row_in_the_access_policy(db):
    served = {(method, route.api_path) for method, route in api_operations()}
    listed = {(method, path) for path, methods in API.items() for method in methods}
    missing = sorted(served - listed)
    assert not missing, (
        f"These API operations have no row in the access policy: {missing}. Add each to API in "
        f"{POLICY_FILE} (path as in the OpenAPI schema, then method), saying which roles may call it."
    )
    stale = sorted(listed - served)
    assert not stale, f"The access policy has rows for API operations that do not exist: {stale}. Remove them."


# Every route answers every role as the table says


def verdict(response: HttpResponse, *, in_api: bool) -> str | int:
    """ALLOWED, SIGN_IN or the refusal's status; a 405 or 5xx is never an acceptable answer."""
    status = response.status_code
    login = reverse("login") + "?next="
    if not in_api and status == 302 and response["Location"].startswith(login):
        return SIGN_IN
    if status in (401, 403, 404, 405) or status >= 500:
        return status
    return ALLOWED


class Caller:
    """One persona's clients: a signed-in browser session and an API token."""

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.browser = Client()
        self.api = Client()
        self.headers = {"Idempotency-Key": "policy-check"}
        self.session_key = ""
        if user is not None:
            self._sign_in()
            self.headers["Authorization"] = f"Bearer {ApiToken.issue(user)[1]}"

    def send(self, method: str, url: str, body: Any, *, in_api: bool) -> HttpResponse:
        # Rolled back: one request's change (a closed case, a sign-out) never reaches the next.
        with transaction.atomic():
            if in_api:
                data = "" if body is None else json.dumps(body)
                response = self.api.generic(method, url, data=data, content_type="application/json",
                                            headers=self.headers)
            elif method == POST:
                response = self.browser.post(url, body or {})
            else:
                response = self.browser.generic(method, url)
            transaction.set_rollback(True)
        cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
        if self.user is not None and cookie is not None and cookie.value != self.session_key:
            # The session was replaced or ended inside the rolled-back savepoint: sign in again.
            self._sign_in()
        return response

    def _sign_in(self) -> None:
        self.browser.force_login(self.user)
        self.session_key = self.browser.cookies[settings.SESSION_COOKIE_NAME].value


def checks(world) -> list[tuple[str, str, str, Any, Rule, bool]]:
    """(label, method, url, body, rule, in_api) for every route in the table and the URL conf."""
    values, web_bodies, api_bodies = world.path_values(), world.web_bodies(), world.api_bodies()
    found = []
    for route in web_routes():
        for method, rule in WEB.get(route.name or "", {}).items():
            found.append((f"page {route.name}", method, route.url(values), web_bodies.get(route.name),
                          rule, False))
    for method, route in api_operations():
        rule = API.get(route.api_path, {}).get(method)
        if rule is not None:
            key = f"{method} {route.api_path}"
            body = api_bodies.get(key, {} if method != GET else None)
            found.append((f"API {key}", method, route.url(values), body, rule, True))
    return found


def walk_as(request, world, persona: str, *, administrators_see_cases: bool = True,
            other_program: bool = False) -> None:
    user = request.getfixturevalue(persona) if other_program else persona_user(request, persona)
    caller = Caller(user)
    role = user.role if user else None
    on_roster = bool(user and user.person_id)
    wrong = []
    for label, method, url, body, rule, in_api in checks(world):
        owns = OWNERS.get(rule.scope) == persona
        want = expected_answer(rule, role=role, owns=owns, on_roster=on_roster, api=in_api,
                               administrators_see_cases=administrators_see_cases, other_program=other_program)
        response = caller.send(method, url, body, in_api=in_api)
        got = verdict(response, in_api=in_api)
        if got != want:
            wrong.append(f"{label}: {method} {url} should be {want}, answered {response.status_code}")
    setting = "" if administrators_see_cases else " (administrators may not see cases)"
    setting += " (of another program)" if other_program else ""
    assert not wrong, (
        f"As {persona}{setting}, these routes disagree with the access policy ({POLICY_FILE}):\n  "
        + "\n  ".join(wrong)
        + "\nFix the gate, or the table if the policy itself changed. A denied role answered 422? Give the "
        "route a valid body in World.web_bodies / World.api_bodies."
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_answers_this_persona_as_the_policy_says(request, access_world, persona):
    walk_as(request, access_world, persona)


@pytest.mark.parametrize("persona", ["director", "administrator", "supporter_own", "supporter_other"])
def test_every_route_answers_as_the_policy_says_when_administrators_may_not_see_cases(
        request, access_world, persona):
    """The program setting off: the administrator reaches no case (404 like a case that does not
    exist, empty lists), and the others are as before."""
    program_settings(**{"administrators_see_cases": False})
    walk_as(request, access_world, persona, administrators_see_cases=False)


@pytest.mark.parametrize("persona", ["director_of_second_program", "administrator_of_second_program"])
def test_staff_of_another_program_get_nothing_of_this_programs_cases(request, access_world, persona):
    """The program boundary: a director or administrator of a second hospital's program finds the
    world's case, referral, roster entries, logins and token exactly as ones that do not exist
    (404) on every route, page and API alike, and their lists hold none of them."""
    walk_as(request, access_world, persona, other_program=True)
    caller = Caller(request.getfixturevalue(persona))
    names = [access_world.case.peer.name, access_world.supporter_a.person.name, access_world.supporter_b.person.name]
    for url, in_api in (("/cases/", False), ("/queue/", False), ("/overview/", False), ("/roster/", False),
                        ("/api/v1/cases", True)):
        response = caller.send(GET, url, None, in_api=in_api)
        assert response.status_code == 200, url
        assert not [name for name in names if name in response.content.decode()], url
    # The same lists show the case to its own program's director: the check above can fail.
    own = Caller(request.getfixturevalue("director")).send(GET, "/overview/", None, in_api=False)
    assert access_world.supporter_a.person.name in own.content.decode()
    own = Caller(request.getfixturevalue("director")).send(GET, "/cases/", None, in_api=False)
    assert access_world.case.peer.name in own.content.decode()


def test_pages_refuse_methods_the_policy_does_not_list(request, access_world):
    """A page answers only the methods in its row (405 otherwise), so the table covers every way in."""
    values = access_world.path_values()
    users = {persona: persona_user(request, persona) for persona in PERSONAS}
    # Signed out first: a public page (the sign-in page) treats a signed-in visitor differently.
    candidates = ["anonymous", *(p for p in PERSONAS if p != "anonymous")]

    def lets_in(rule: Rule, persona: str) -> bool:
        user = users[persona]
        return expected_answer(rule, role=user.role if user else None, owns=OWNERS.get(rule.scope) == persona,
                               on_roster=bool(user and user.person_id), api=False) == ALLOWED

    callers: dict[str, Caller] = {}
    wrong = []
    for route in web_routes():
        rules = WEB.get(route.name or "", {})
        # Someone the row lets in, so the answer is about the method, not about who asks.
        persona = next((p for p in candidates if any(lets_in(rule, p) for rule in rules.values())), None)
        if persona is None:
            continue
        caller = callers.get(persona) or callers.setdefault(persona, Caller(persona_user(request, persona)))
        for method in UNLISTED:
            if method not in rules:
                response = caller.send(method, route.url(values), {}, in_api=False)
                if response.status_code != 405:
                    wrong.append(f"page {route.name}: {method} as {persona} answered {response.status_code}")
    assert not wrong, (
        "These pages answer a method their access-policy row does not list; restrict the view's methods "
        f"(require_GET, require_POST, …) or add the method to the row in {POLICY_FILE}:\n  " + "\n  ".join(wrong)
    )


def test_the_policy_prints_as_a_table_for_the_docs():
    out = StringIO()
    call_command("access_policy", stdout=out)
    table = out.getvalue()
    assert all(f"page `{name}`" in table for name in WEB) and all(f"API `{path}`" in table for path in API)


def test_a_shared_supporters_own_program_finds_their_outside_case_on_no_route(
        request, access_world, director_of_second_program):
    """Cross-program matching: the world's case is supporter A's. With A a shared supporter of the
    second hospital's program, that program's director still finds the case on no route (404, exactly
    like a case that does not exist), and sees only a count beside A's load."""
    person = access_world.supporter_a.person
    person.site = "Northside"
    person.save(update_fields=["site"])
    Supporter.objects.filter(pk=access_world.supporter_a.pk).update(shared_across_programs=True)
    caller = Caller(director_of_second_program)
    wrong, walked = [], 0
    for label, method, url, body, rule, in_api in checks(access_world):
        if rule.scope != Scope.OWN_CASE or DIRECTOR not in rule.roles:
            continue
        walked += 1
        response = caller.send(method, url, body, in_api=in_api)
        if response.status_code != 404:
            wrong.append(f"{label}: {method} {url} answered {response.status_code}")
    assert walked > 10 and not wrong, "\n".join(wrong)
    team = caller.send(GET, "/supporters/", None, in_api=False).content.decode()
    assert person.name in team and "1 outside case" in team
    assert access_world.case.peer.name not in team and f"/cases/{access_world.case.pk}/" not in team
