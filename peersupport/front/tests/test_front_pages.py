from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.front.templatetags.front_tags import dial, due
from peersupport.front.tests.helpers import login_as


def test_login_page_explains_the_program(client):
    page = client.get(reverse("login")).content.decode()
    assert "trained colleague" in page and 'type="email"' in page and 'for="id_username"' in page


def test_sign_in_with_email_then_sign_out(client, referrer):
    response = client.post(reverse("login"), {"username": referrer.email.upper(),
                                              "password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("referral-new")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405  # signing out is a POST
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("referral-new")).status_code == 302


def test_a_wrong_password_says_so(client, referrer):
    response = client.post(reverse("login"), {"username": referrer.email, "password": "nope"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


NAV = {
    "director": {"queue", "cases", "roster", "supporters", "team-hub", "program-hub", "referral-new", "support-ask"},
    "administrator": {"queue", "cases", "roster", "supporters", "team-hub", "program-hub", "referral-new"},
    "supporter_a": {"my-cases", "referral-new", "support-ask"},
    "referrer": {"referral-new"},
    "outsider": {"referral-new", "support-ask"},
}
ALL_PAGES = {"queue", "cases", "roster", "supporters", "program-settings", "referral-new", "support-ask",
             "my-cases", "team-hub", "program-hub"}


@pytest.mark.parametrize("persona", list(NAV))
def test_navigation_shows_only_what_the_role_may_use(client, request, persona):
    login_as(client, request, persona)
    page = client.get(reverse("referral-new")).content.decode()
    nav = page.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    shown = {name for name in ALL_PAGES if f'href="{reverse(name)}"' in nav}
    assert shown == NAV[persona]


def test_leader_home_promises_aggregates_and_shows_no_cases(client, leader):
    client.force_login(leader)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert "aggregate" in page and "Individual cases are never shown" in page
    assert f'href="{reverse("queue")}"' not in page


def test_integration_home_points_to_the_api_docs(client, integration):
    client.force_login(integration)
    assert 'href="/api/v1/docs"' in client.get(reverse("home")).content.decode()


def test_refused_pages_say_why(client, leader):
    client.force_login(leader)
    response = client.get(reverse("queue"))
    assert response.status_code == 403 and "director and administrator" in response.content.decode()


def test_pages_are_never_cached(client, director):
    client.force_login(director)
    assert client.get(reverse("queue"))["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("offset", "words"),
    [(timedelta(hours=-2, minutes=-10), "overdue by 2 h"), (timedelta(minutes=35, seconds=30), "due in 35 min"),
     (timedelta(days=3, minutes=1), "due in 3 days"), (timedelta(seconds=-20), "overdue by 1 min")],
)
def test_due_reads_in_plain_words(offset, words):
    assert due(timezone.now() + offset) == words


def test_dial_keeps_digits_and_the_plus():
    assert dial("+1 (555) 010-2030") == "+15550102030" and dial("555 0100") == "5550100" and dial(None) == ""


def test_the_team_and_program_pages_offer_only_what_the_role_may_open(client, director, administrator):
    client.force_login(director)
    team = client.get(reverse("team-hub")).content.decode()
    for name in ("recruit-campaigns", "training", "meetings", "scenarios", "on-call", "recognition",
                 "team-composition"):
        assert f'href="{reverse(name)}"' in team, name
    program = client.get(reverse("program-hub")).content.decode()
    for name in ("reports", "feedback-report", "planner", "publicity", "program-settings", "program-staff", "logins"):
        assert f'href="{reverse(name)}"' in program, name
    # The administrator may not open the rota, recognition, the planner or the peers' feedback: not offered.
    client.force_login(administrator)
    team = client.get(reverse("team-hub")).content.decode()
    program = client.get(reverse("program-hub")).content.decode()
    assert f'href="{reverse("training")}"' in team and f'href="{reverse("publicity")}"' in program
    for name in ("on-call", "recognition"):
        assert f'href="{reverse(name)}"' not in team, name
    for name in ("planner", "feedback-report"):
        assert f'href="{reverse(name)}"' not in program, name
    for name in ("on-call", "recognition", "planner", "feedback-report"):
        assert client.get(reverse(name)).status_code == 403, name


def test_a_page_of_the_team_hub_marks_team_in_the_menu(client, director):
    client.force_login(director)
    page = client.get(reverse("training")).content.decode()
    nav = page.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert f'<a href="{reverse("team-hub")}" aria-current="page">Team</a>' in nav
    assert len(nav.split("<li>")) - 1 <= 11  # one row on a wide screen: the daily pages, the hubs, yourself
