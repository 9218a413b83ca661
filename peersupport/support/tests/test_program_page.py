"""The program page at /support/: public, in our own words, the crisis lines, no roster or team."""

from django.urls import reverse

from peersupport.accounts.models import Role
from peersupport.resources.models import Resource
from peersupport.testing.factories import make_person, make_supporter, make_user


def test_the_program_page_needs_no_sign_in_and_lists_the_active_crisis_lines(client, db):
    Resource.objects.create(name="Crisis Lifeline", category="crisis", contact="Call or text 988")
    Resource.objects.create(name="Old Crisis Line", category="crisis", contact="555 0000", active=False)
    Resource.objects.create(name="Employee Assistance Program", category="counseling", contact="555 0199")
    response = client.get("/support/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Crisis Lifeline" in page and "Call or text 988" in page
    assert "Old Crisis Line" not in page
    # The program's other resources are listed under their own heading, not as crisis lines.
    crisis = page.split('data-testid="crisis-lines"')[1].split("</section>")[0]
    assert "Employee Assistance Program" not in crisis and "Employee Assistance Program" in page
    for words in ("not therapy", "not an evaluation", "safety", "/support/ask/", "/referrals/new/"):
        assert words in page, words


def test_the_program_page_names_no_one_on_the_roster_or_the_team(client, db):
    supporter = make_supporter(make_person(name="Quinn Listener", email="quinn@example.org"))
    make_user(Role.SUPPORTER, person=supporter.person)
    make_person(name="Rory Roster", email="rory@example.org")
    page = client.get("/support/").content.decode()
    for secret in ("Quinn", "Listener", "quinn@", "Rory", "rory@", supporter.person.employee_id):
        assert secret not in page


def test_the_sign_in_page_offers_the_public_ask_path_to_a_clinician_with_no_account(client, db):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("support-ask")}"' in page
    assert "You need no account" in page
