"""The printed kit and the opt-in snippet: each QR code, read back, leads to the program's own
public ask page (/support/<short name>/ask/)."""

import pytest
from django.urls import reverse

from peersupport.publicity.tests.qr import decode_svg, qr_svgs
from peersupport.resources.models import Resource

SITE = "https://peers.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def test_the_poster_qr_code_reads_back_as_the_ask_page_address(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("publicity-poster"))
    assert response.status_code == 200
    [svg] = qr_svgs(response.content.decode())
    assert decode_svg(svg) == f"{SITE}/support/main/ask/"
    assert f"{SITE}/support/main/ask/".encode() in response.content  # also in words, for typing


def test_the_poster_names_the_crisis_line_when_the_program_lists_one(client, director):
    Resource.objects.create(name="Crisis Lifeline", category="crisis", contact="Call or text 988")
    client.force_login(director)
    assert "Crisis Lifeline: Call or text 988" in client.get(reverse("publicity-poster")).content.decode()


def test_a_sheet_of_eight_wallet_cards_each_with_a_qr_code_to_the_ask_page(client, director):
    client.force_login(director)
    html = client.get(reverse("publicity-cards")).content.decode()
    svgs = qr_svgs(html)
    assert len(svgs) == 8
    assert html.count('data-testid="wallet-card"') == 8
    assert {decode_svg(svg) for svg in svgs} == {f"{SITE}/support/main/ask/"}


def test_the_opt_in_snippet_links_to_the_ask_page_as_an_opt_in_from_a_safety_report(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("publicity-snippet"))
    html = response.content.decode()
    opt_in = f"{SITE}/support/main/ask/?source=safety_report_opt_in"
    assert opt_in in html
    # The pasted HTML (shown escaped on the page) is a link and a box with the program's words.
    assert f"&lt;a href=&quot;{opt_in}&quot;" in html
    assert "I would like a peer supporter to reach out" in html
    assert 'type=&quot;checkbox&quot;' in html
    # The copy button is a static file (no inline script under the Content-Security-Policy).
    assert "publicity/snippet.js" in html
    assert "<script>" not in html


def test_the_address_in_the_snippet_opens_the_ask_page_as_an_opt_in(client, db):
    response = client.get("/support/main/ask/?source=safety_report_opt_in")
    assert response.status_code == 200
    assert b"safety_report_opt_in" in response.content


@pytest.mark.parametrize("name", ["publicity-poster", "publicity-cards", "publicity-snippet", "publicity"])
def test_a_supporter_leader_or_clinician_cannot_open_the_kit(client, supporter_a, leader, outsider, name):
    for user in (supporter_a.person.user, leader, outsider):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403
