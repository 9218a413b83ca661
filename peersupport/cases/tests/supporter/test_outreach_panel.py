"""The outreach panel: the supporter's own words, shown to the supporter only, escaped once."""

import re
from html import unescape
from urllib.parse import unquote

import pytest
from django.urls import reverse

from peersupport.accounts.models import Role
from peersupport.cases.models import CaseState
from peersupport.cases.tests.supporter.conftest import set_state
from peersupport.front.tests.helpers import assign, refer
from peersupport.notifications.models import OutboxMessage
from peersupport.testing.factories import make_person, make_supporter, make_user

SUPPORTER = "Deb O'Neil \"DJ\" & <Co>"


@pytest.fixture
def debs_case(director, referrer, peer):
    deb = make_supporter(make_person(name=SUPPORTER, department="Surgery", phone="+1 555 0199"))
    make_user(Role.SUPPORTER, person=deb.person)
    return assign(director, refer(referrer, peer).cases.get(), deb), deb


def _message_box(html: str) -> str:
    return html.split('data-testid="outreach-message">')[1].split("</div>")[0]


def _href(html: str, testid: str) -> str:
    return unescape(re.search(rf'href="([^"]*)" data-testid="{testid}"', html)[1])


def test_the_case_page_escapes_a_supporters_name_once(client, debs_case):
    case, deb = debs_case
    client.force_login(deb.person.user)
    html = client.get(reverse("case", args=[case.pk])).content.decode()
    box = _message_box(html)
    # Escaped once for the page: the browser shows the name exactly as written.
    assert unescape(box).startswith(f"Hi Pat, this is {SUPPORTER}, a colleague")
    assert "&amp;#x27;" not in box and "&amp;lt;" not in box and "&amp;amp;" not in box
    assert "<Co>" not in box  # and never unescaped
    # The text message and the mailto body carry the name as written, not as HTML.
    for testid in ("open-sms", "open-mail"):
        body = unquote(_href(html, testid).split("body=")[1])
        assert f"this is {SUPPORTER}," in body, testid


def test_an_email_sent_by_the_program_names_the_supporter_as_written(client, debs_case):
    case, deb = debs_case
    client.force_login(deb.person.user)
    client.post(reverse("case-outreach", args=[case.pk]), {"channel": "email", "send_email": "on"})
    body = OutboxMessage.objects.get(kind="outreach", case=case).body
    assert f"this is {SUPPORTER}," in body and "&#x27;" not in body


def test_my_peers_links_carry_the_supporters_name_as_written(client, debs_case):
    _, deb = debs_case
    client.force_login(deb.person.user)
    html = client.get(reverse("my-cases")).content.decode()
    assert f"this is {SUPPORTER}," in unquote(_href(html, "text-peer").split("body=")[1])


@pytest.mark.parametrize("state", [CaseState.ASSIGNED, CaseState.OUTREACH_MADE])
def test_the_director_never_sees_the_supporters_outreach_panel(client, director, case, state):
    set_state(case, state)
    client.force_login(director)
    html = client.get(reverse("case", args=[case.pk])).content.decode()
    assert 'data-testid="outreach-section"' not in html
    assert "this is Alex Supporter" not in html and "Hi Pat" not in html


@pytest.mark.parametrize("state", [CaseState.ASSIGNED, CaseState.OUTREACH_MADE])
def test_the_assigned_supporter_sees_the_outreach_panel(client, case, state):
    set_state(case, state)
    client.force_login(case.supporter.person.user)
    html = client.get(reverse("case", args=[case.pk])).content.decode()
    assert 'data-testid="outreach-section"' in html and "Hi Pat, this is Alex Supporter" in html
