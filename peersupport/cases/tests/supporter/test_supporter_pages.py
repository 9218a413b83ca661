"""The supporter's pages: who may open them, what each state offers, and what they never show."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.cases import actions
from peersupport.cases.actions import EncounterInput
from peersupport.cases.models import Case, CaseState, GuideTopic
from peersupport.cases.supporter_page import ACTION_STATES
from peersupport.cases.tests.supporter.conftest import set_state
from peersupport.front.tests.helpers import SUMMARY, assign, login_as, refer
from peersupport.lib.errors import Conflict
from peersupport.roster.models import Supporter
from peersupport.testing.factories import make_person

PERSONAS = ["supporter_a", "supporter_b", "director", "administrator", "referrer", "leader", "outsider",
            "integration"]
NOT_STAFF = {"referrer": 403, "leader": 403, "outsider": 403, "integration": 403}


def page_url(name: str, case: Case) -> str:
    return reverse(name) if name == "guide" else reverse(name, args=[case.pk])


EXPECTED = {
    "case": {"supporter_a": 200, "supporter_b": 404, "director": 200, "administrator": 200, **NOT_STAFF},
    "case-sheet": {"supporter_a": 200, "supporter_b": 404, "director": 200, "administrator": 200, **NOT_STAFF},
    # Handing back is the supporter's own decision; staff reassign.
    "case-hand-back": {"supporter_a": 200, "supporter_b": 404, "director": 403, "administrator": 403,
                       **NOT_STAFF},
    "guide": {"supporter_a": 200, "supporter_b": 200, "director": 200, "administrator": 200, **NOT_STAFF},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_new_page_answers_this_role(client, request, case, persona):
    login_as(client, request, persona)
    actual = {name: client.get(page_url(name, case)).status_code for name in EXPECTED}
    assert actual == {name: row[persona] for name, row in EXPECTED.items()}


def test_signed_out_visitors_go_to_sign_in(client, case):
    for name in EXPECTED:
        response = client.get(page_url(name, case))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# Buttons follow the state

BUTTONS = {
    "outreach": ["outreach-text", "outreach-call", "outreach-email", "outreach-page", "outreach-in_person",
                 "outreach-send-email", "copy-message"],
    "response": ["response-accepted", "response-declined", "response-no_response"],
    "encounter": ["record-encounter"],
    "resource": ["resource-connected", "resource-shared"],
    "sheet": ["sheet-send", "sheet-print"],
    "close": ["close-case"],
    "hand_back": ["hand-back"],
    "safety": ["raise-safety"],
}
STATES = [s for s in CaseState.values if s != CaseState.AWAITING_ASSIGNMENT]


@pytest.mark.parametrize("state", STATES)
def test_the_supporter_sees_only_the_buttons_the_state_allows(client, request, case, directory, state):
    set_state(case, state)
    login_as(client, request, "supporter_a")
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    shown = {action for action, ids in BUTTONS.items() if all(f'data-testid="{i}"' in page for i in ids)}
    hidden = {action for action, ids in BUTTONS.items() if not any(f'data-testid="{i}"' in page for i in ids)}
    allowed = {action for action, states in ACTION_STATES.items() if state in states}
    assert shown == allowed and hidden == set(BUTTONS) - allowed


@pytest.mark.parametrize("state", STATES)
def test_the_director_sees_the_same_actions_but_never_hands_back_or_reaches_out(client, director, case,
                                                                              directory, state):
    set_state(case, state)
    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    for action, ids in BUTTONS.items():
        # The outreach panel is the supporter's own message, sent in their name.
        expected = state in ACTION_STATES[action] and action not in ("hand_back", "outreach")
        assert all((f'data-testid="{i}"' in page) == expected for i in ids), action


def test_the_administrator_sees_the_record_but_no_actions(client, administrator, case):
    set_state(case, CaseState.OUTREACH_MADE)
    client.force_login(administrator)
    response = client.get(reverse("case", args=[case.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="case-state">{CaseState.OUTREACH_MADE.label}<' in page
    assert 'data-testid="case-supporter">Alex Supporter<' in page
    assert not any(f'data-testid="{i}"' in page for ids in BUTTONS.values() for i in ids)


def _try(action: str, actor, case: Case, resource_id: int) -> bool:
    """Whether the service accepts the action in the case's state (the page's promise)."""
    calls = {
        "outreach": lambda: actions.case_record_outreach(actor=actor, case_id=case.pk, channel="text"),
        "response": lambda: actions.case_record_response(actor=actor, case_id=case.pk, response="accepted"),
        "encounter": lambda: actions.case_record_encounter(actor=actor, case_id=case.pk, data=EncounterInput(
            held_on=timezone.localdate(), minutes=30, mode="phone")),
        "resource": lambda: actions.case_record_resource(actor=actor, case_id=case.pk, resource_id=resource_id,
                                                         facilitated=True),
        "sheet": lambda: actions.case_send_information_sheet(actor=actor, case_id=case.pk,
                                                             resource_ids=[resource_id]),
        "close": lambda: actions.case_close(actor=actor, case_id=case.pk),
        "hand_back": lambda: actions.case_hand_back(actor=actor, case_id=case.pk, reason="other"),
        "safety": lambda: actions.case_raise_safety_escalation(actor=actor, case_id=case.pk),
    }
    try:
        calls[action]()
    except Conflict:
        return False
    return True


@pytest.mark.parametrize("action", list(ACTION_STATES))
def test_the_pages_states_match_what_the_services_accept(director, referrer, supporter_a, directory, action):
    """Keeps `ACTION_STATES` in step with the states each service checks."""
    accepted = set()
    case = assign(director, refer(referrer, make_person(),
                                  occurred_on=timezone.localdate() - timedelta(days=3)).cases.get(), supporter_a)
    for state in STATES:
        Case.objects.filter(pk=case.pk).update(state=state, supporter=supporter_a)
        if _try(action, supporter_a.person.user, case, directory["eap"].pk):
            accepted.add(state)
    assert accepted == set(ACTION_STATES[action])


# Never any free text on a case page

FREE_TEXT_FREE = {"hidden", "checkbox", "radio", "date", "number", "submit"}


def input_types(html: str) -> set[str]:
    tags = re.findall(r"<input\b[^>]*>", html)
    return {(re.search(r'type="([^"]+)"', tag) or [None, "text"])[1] for tag in tags}


@pytest.mark.parametrize("state", STATES)
def test_no_case_page_has_a_free_text_field(client, request, director, case, directory, state):
    set_state(case, state)
    for persona in ("supporter_a", "director"):
        login_as(client, request, persona)
        pages = [client.get(reverse("case", args=[case.pk])), client.get(reverse("case-sheet", args=[case.pk]))]
        if state in ACTION_STATES["hand_back"] and persona == "supporter_a":
            pages.append(client.get(reverse("case-hand-back", args=[case.pk])))
        for response in pages:
            html = response.content.decode()
            assert "<textarea" not in html and "contenteditable" not in html
            assert input_types(html) <= FREE_TEXT_FREE, (persona, response.request["PATH_INFO"])


def test_the_conversation_form_is_choices_numbers_and_a_date(client, request, case):
    set_state(case, CaseState.ACCEPTED)
    login_as(client, request, "supporter_a")
    html = client.get(reverse("case", args=[case.pk])).content.decode()
    form = html.split(f'action="{reverse("case-encounter", args=[case.pk])}')[1].split("</form>")[0]
    assert input_types(form) == {"hidden", "date", "number", "radio", "checkbox"}
    assert all(f'value="{topic}"' in form for topic in GuideTopic.values)


# The outreach message

def test_the_outreach_message_is_ready_to_copy_text_or_send(client, request, case):
    login_as(client, request, "supporter_a")
    html = client.get(reverse("case", args=[case.pk])).content.decode()
    box = html.split('data-testid="outreach-message">')[1].split("</div>")[0]
    assert box.startswith("Hi Pat, this is Alex Supporter") and SUMMARY not in box
    assert 'data-copy-target="outreach-message"' in html and "js/app.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script
    assert 'href="sms:+15550102030?&amp;body=Hi%20Pat' in html
    assert 'data-testid="outreach-send-email">Send it by email from the program<' in html


# Litigation

@pytest.mark.parametrize(("category", "reminded"), [("litigation", True), ("medical_error", False),
                                                    ("patient_death", False)])
def test_the_litigation_reminder_appears_only_for_a_lawsuit(client, request, director, referrer, supporter_a,
                                                            category, reminded):
    case = assign(director, refer(referrer, make_person(), category=category).cases.get(), supporter_a)
    login_as(client, request, "supporter_a")
    html = client.get(reverse("case", args=[case.pk])).content.decode()
    assert ('data-testid="litigation-reminder"' in html) is reminded
    if reminded:
        assert "emotional impact" in html and "not about the facts of the case" in html


# The sheet

def test_the_sheet_names_no_peer_and_no_event(client, request, case, directory):
    login_as(client, request, "supporter_a")
    html = client.get(reverse("case-sheet", args=[case.pk])).content.decode()
    for private in ("Pat Peer", "Pat", SUMMARY, "Patient death", "Emergency", "pat@example.org", "Alex"):
        assert private not in html
    assert html.count('data-testid="sheet-resource"') == 3  # the active ones
    assert "Retired Line" not in html
    assert 'data-testid="self-referral-link">http://' in html and "/support/main/ask/</p>" in html


def test_the_sheet_shows_only_the_chosen_resources(client, request, case, directory):
    login_as(client, request, "supporter_a")
    url = reverse("case-sheet", args=[case.pk])
    html = client.get(url, {"resource": [directory["eap"].pk, directory["retired"].pk, "x"]}).content.decode()
    assert "Employee Assistance Program" in html and html.count('data-testid="sheet-resource"') == 1


# The guide

def test_the_guide_walks_through_every_topic_in_order(client, request, directory):
    login_as(client, request, "supporter_a")
    html = client.get(reverse("guide")).content.decode()
    positions = [html.index(f'id="topic-{topic}-heading"') for topic in GuideTopic.values]
    assert positions == sorted(positions) and html.count('data-testid="guide-topic"') == len(GuideTopic.values)
    for words in ("confidential", "one exception", "safety", "sleep", "time off", "Crisis Lifeline"):
        assert words.lower() in html.lower()


def test_the_case_page_links_the_guide(client, request, case):
    login_as(client, request, "supporter_a")
    html = client.get(reverse("case", args=[case.pk])).content.decode()
    assert f'href="{reverse("guide")}" data-testid="guide-link"' in html


# My peers

def test_my_peers_marks_overdue_and_keeps_cases_still_to_close(client, request, director, referrer, supporter_a):
    Supporter.objects.filter(pk=supporter_a.pk).update(capacity=5)
    late = assign(director, refer(referrer, make_person(name="Late Peer")).cases.get(), supporter_a)
    declined = assign(director, refer(referrer, make_person(name="Declined Peer")).cases.get(), supporter_a)
    closed = assign(director, refer(referrer, make_person(name="Closed Peer")).cases.get(), supporter_a)
    Case.objects.filter(pk=late.pk).update(next_due_at=timezone.now() - timedelta(hours=5, minutes=5))
    set_state(declined, CaseState.DECLINED)
    set_state(closed, CaseState.CLOSED)
    login_as(client, request, "supporter_a")
    html = client.get(reverse("my-cases")).content.decode()
    assert "Late Peer" in html and "Declined Peer" in html and "Closed Peer" not in html
    assert 'data-testid="my-case-overdue">Overdue: first outreach, by 5 h<' in html
    assert html.index("Late Peer") < html.index("Declined Peer")  # most overdue first
    assert "case-card--late" in html


def test_my_peers_has_big_contact_buttons_and_no_other_supporters_cases(client, request, director, referrer,
                                                                         case, supporter_b):
    assign(director, refer(referrer, make_person(name="Other Peer")).cases.get(), supporter_b)
    login_as(client, request, "supporter_a")
    html = client.get(reverse("my-cases")).content.decode()
    assert "Other Peer" not in html and html.count('data-testid="my-case"') == 1
    for testid in ("call-peer", "text-peer", "email-peer", "open-case"):
        assert f'data-testid="{testid}"' in html
    assert "<h1>My peers</h1>" in html


def test_the_supporters_navigation_has_the_guide_and_resources(client, request):
    login_as(client, request, "supporter_a")
    nav = client.get(reverse("guide")).content.decode().split('<nav aria-label="Main">')[1].split("</nav>")[0]
    for name in ("my-cases", "guide", "resources"):
        assert f'href="{reverse(name)}"' in nav
