"""Object-level access: another supporter's case, another referrer's referral, do not exist.

Supporter A has the case; supporter B asks for it by every route that takes a case id (pages,
the printable sheet, every action, the API), and by the link in A's emails. Every answer is
404, the same answer as for a case that never existed, and nothing about the case changes.
The routes come from walking the URL configuration, so a new case sub-URL is covered the day
it is added.
"""

import json
import re
from typing import Any
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import resolve

from peersupport.accounts.models import ApiToken, Role, User
from peersupport.accounts.policy import API, WEB, Rule
from peersupport.cases.models import Case
from peersupport.front.tests.helpers import assign
from peersupport.notifications.models import OutboxMessage
from peersupport.roster.models import Supporter
from peersupport.testing.factories import make_user
from peersupport.testing.routes import Route, api_methods, site_routes

NO_SUCH_CASE = 987654321


@pytest.fixture
def case(access_world) -> Case:
    return access_world.case


@pytest.fixture
def peer(case):
    return case.peer


def signed_in(persona: User | Supporter) -> Client:
    client = Client()
    client.force_login(persona.person.user if isinstance(persona, Supporter) else persona)
    return client


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


def same_page(body: bytes, object_id: int) -> str:
    """The answer with what legitimately differs between two requests blanked out: the per-request
    nonce and CSRF token, and the id where the page repeats the address asked for."""
    text = body.decode()
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', text)
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(rf"/(cases|referrals)/{object_id}(?!\d)", r"/\1/<id>", text)


def case_operations(world) -> list[tuple[str, str, Route, Any, Rule]]:
    """(method, label, route, valid body, policy row) for every route that takes a case id."""
    web_bodies, api_bodies = world.web_bodies(), world.api_bodies()
    found = []
    for route in site_routes():
        if "case_id" not in route.params:
            continue
        if route.in_api:
            for method in api_methods(route):
                key = f"{method} {route.api_path}"
                found.append((method, key, route, api_bodies.get(key, {}), API[route.api_path][method]))
        else:
            for method, rule in WEB[route.name].items():
                found.append((method, f"{method} page {route.name}", route, web_bodies.get(route.name, {}), rule))
    assert len(found) > 20, "The walk found too few case routes: has the URL configuration moved?"
    return found


def test_another_supporters_case_is_not_found_by_any_page_or_api_route(access_world, case, supporter_b):
    """Pages, the printable sheet, every action, every API endpoint: 404 (403 where a supporter may
    never act, whichever the case), and always the very answer a case that does not exist gets."""
    web, api = signed_in(supporter_b), Client()
    headers = {**bearer(supporter_b.person.user), "Idempotency-Key": "object-access"}
    before = Case.objects.values().get(pk=case.pk)
    wrong = []
    for method, label, route, body, rule in case_operations(access_world):
        want = 404 if Role.SUPPORTER in rule.roles else 403
        got = {}
        for case_id in (case.pk, NO_SUCH_CASE):
            url = route.url({"case_id": case_id})
            if route.in_api:
                answer = api.generic(method, url, data=json.dumps(body), content_type="application/json",
                                     headers=headers)
            else:
                answer = web.post(url, body) if method == "POST" else web.generic(method, url)
            got[case_id] = answer
        theirs, nothing = got[case.pk], got[NO_SUCH_CASE]
        if theirs.status_code != want:
            wrong.append(f"{label}: answered {theirs.status_code}, not {want}")
        elif same_page(theirs.content, case.pk) != same_page(nothing.content, NO_SUCH_CASE):
            wrong.append(f"{label}: answers differently from a case that does not exist")
    assert not wrong, "Supporter B reached supporter A's case:\n  " + "\n  ".join(wrong)
    assert Case.objects.values().get(pk=case.pk) == before


def test_the_case_link_in_a_supporters_emails_is_not_found_for_another_supporter(case, supporter_a, supporter_b):
    mail = OutboxMessage.objects.filter(to=supporter_a.person.email)
    links = {urlparse(url).path for message in mail for url in re.findall(r"https?://\S+", message.body)}
    case_links = {path for path in links if resolve(path).kwargs.get("case_id") == case.pk}
    assert case_links, f"The assignment email should link the case; links found: {links}"
    for path in case_links:
        assert resolve(path).url_name == "case"
        assert signed_in(supporter_a).get(path).status_code == 200
        assert signed_in(supporter_b).get(path).status_code == 404


def test_another_supporter_finds_no_trace_of_the_case_in_lists(case, supporter_b, peer):
    web = signed_in(supporter_b)
    pages = [web.get("/cases/"), web.get("/my/cases/")]
    listed = Client().get("/api/v1/cases", headers=bearer(supporter_b.person.user))
    assert [page.status_code for page in pages] == [200, 200] and listed.status_code == 200
    assert listed.json() == []
    for page in pages:
        assert peer.name not in page.content.decode() and peer.employee_id not in page.content.decode()


def test_a_former_supporter_loses_the_case_when_it_is_reassigned(director, case, supporter_a, supporter_b):
    assign(director, case, supporter_b, reassign=True, override_reason="continuity")
    assert signed_in(supporter_a).get(f"/cases/{case.pk}/").status_code == 404
    api = Client().get(f"/api/v1/cases/{case.pk}", headers=bearer(supporter_a.person.user))
    assert api.status_code == 404 and json.loads(api.content) == {"detail": "Not found."}
    assert signed_in(supporter_b).get(f"/cases/{case.pk}/").status_code == 200


def test_another_referrers_referral_is_not_found(case):
    other = make_user(Role.REFERRER)
    web = signed_in(other)
    headers = bearer(other)
    for url, nothing in [(f"/referrals/{case.referral_id}/", f"/referrals/{NO_SUCH_CASE}/")]:
        mine, none = web.get(url), web.get(nothing)
        assert mine.status_code == none.status_code == 404
        assert same_page(mine.content, case.referral_id) == same_page(none.content, NO_SUCH_CASE)
    api = Client().get(f"/api/v1/referrals/{case.referral_id}", headers=headers)
    assert api.status_code == 404 and api.json() == {"detail": "Not found."}
