"""Every page × every persona: who may open it, and what everyone else gets."""

import pytest
from django.urls import reverse

from peersupport.front.tests.helpers import assign, login_as, refer
from peersupport.testing.factories import make_person

PERSONAS = ["director", "administrator", "supporter_a", "supporter_b", "referrer", "leader",
            "integration", "outsider"]
MAY_REFER = {"director", "administrator", "supporter_a", "supporter_b", "referrer", "integration",
             "outsider"}
STAFF = {"director", "administrator"}
# Personas whose login is linked to a roster entry (they may ask for support themselves).
ON_ROSTER = {"director", "supporter_a", "supporter_b", "outsider"}
# Pages for everyone, signed in or not (the peer's own path needs no account).
PUBLIC_PAGES = {"support-ask"}


def only(allowed: set[str], status: int = 200, others: int = 403) -> dict[str, int]:
    return {persona: status if persona in allowed else others for persona in PERSONAS}


# page -> persona -> expected status for GET. Redirects are checked separately below.
MATRIX: dict[str, dict[str, int]] = {
    "home": {**only(set(), others=302), "integration": 200},
    "referral-new": only(MAY_REFER),
    # Public: on the roster, the self-referral form; anyone else gives a work email for a link.
    "support-ask": only(set(PERSONAS)),
    "roster-lookup": only(MAY_REFER),
    "roster-chip": only(MAY_REFER),
    # Only its maker (and program staff) see a receipt; leadership may never refer at all.
    "referral-receipt": {**only(STAFF | {"referrer"}, others=404), "leader": 403},
    "referral-plan": only(STAFF),
    "queue": only(STAFF),
    "overview": only(STAFF),
    "cases": only(STAFF | {"supporter_a", "supporter_b"}),
    "my-cases": only({"supporter_a", "supporter_b"}),
    "case": {**only(STAFF | {"supporter_a"}), "supporter_b": 404},
    "roster": only(STAFF),
    "person-new": only(STAFF),
    "person-edit": only(STAFF),
    "supporter-edit": only(STAFF),
    "supporters": only(STAFF),
    "program-settings": only(STAFF),
    "supporter-add": only(STAFF),
    "logins": only(STAFF),
    "login-invite": only(STAFF),
    "login-deactivate": only(STAFF),  # the referrer's login, which both may manage
}


@pytest.fixture
def world(director, supporter_a, referrer):
    """A referral by the referrer whose one case is assigned to supporter A."""
    peer = make_person(name="Pat Peer", department="Emergency")
    referral = refer(referrer, peer)
    case = assign(director, referral.cases.get(), supporter_a)
    return {"referral": referral, "case": case, "peer": peer}


def url_for(page: str, world: dict) -> str:
    if page == "referral-receipt" or page == "referral-plan":
        return reverse(page, args=[world["referral"].pk])
    if page == "case":
        return reverse(page, args=[world["case"].pk])
    if page in ("person-edit", "supporter-edit"):
        return reverse(page, args=[world["peer"].employee_id])
    if page == "login-deactivate":
        return reverse(page, args=[world["referral"].referred_by_id])
    if page == "roster-lookup":
        return reverse(page) + "?q=Pat"
    if page == "roster-chip":
        return reverse(page) + f"?employee_id={world['peer'].employee_id}"
    return reverse(page)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_answers_this_role(client, request, world, persona):
    login_as(client, request, persona)
    expected = {page: row[persona] for page, row in MATRIX.items()}
    actual = {page: client.get(url_for(page, world)).status_code for page in MATRIX}
    assert actual == expected


def test_signed_out_visitors_go_to_the_login_page(client, world):
    login = reverse("login") + "?next="
    answers = {page: client.get(url_for(page, world)) for page in MATRIX if page not in PUBLIC_PAGES}
    assert {page: (r.status_code, r["Location"].startswith(login)) for page, r in answers.items()} == {
        page: (302, True) for page in MATRIX if page not in PUBLIC_PAGES
    }


@pytest.mark.parametrize(
    ("persona", "target"),
    [("director", "queue"), ("administrator", "queue"), ("supporter_a", "my-cases"),
     ("referrer", "referral-new"), ("outsider", "support-ask")],
)
def test_home_sends_each_role_to_its_work(client, request, persona, target):
    login_as(client, request, persona)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(target)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in STAFF])
def test_only_program_staff_may_assign(client, request, world, persona, supporter_b):
    login_as(client, request, persona)
    response = client.post(reverse("case-assign", args=[world["case"].pk]),
                           {"supporter": supporter_b.person.employee_id, "version": world["case"].version,
                            "reassign": "1"})
    assert response.status_code == 403
    world["case"].refresh_from_db()
    assert world["case"].supporter.person.name == "Alex Supporter"


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in STAFF])
def test_only_program_staff_may_apply_a_plan(client, request, world, persona):
    login_as(client, request, persona)
    response = client.post(reverse("referral-plan", args=[world["referral"].pk]))
    assert response.status_code in (403, 404)
