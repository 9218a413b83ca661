"""A public page per program: /support/<short name>/ shows that program's name, crisis lines and
resources, and its own ask path; /support/ lets the reader choose their hospital when there are
several. Asking never reveals who is on the roster, whichever program's page it is asked from."""

import pytest

from peersupport.lib.errors import InvalidInput
from peersupport.notifications.models import OutboxMessage
from peersupport.program.services import program_create
from peersupport.referrals.models import Referral
from peersupport.resources.models import Resource
from peersupport.support.models import AskRequest
from peersupport.support.tests.helpers import blank_tokens, link_in, process_all
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db
FORM = {"category": "medical_error", "occurred_on": "2026-11-20", "summary": "A dose was given twice overnight."}


@pytest.fixture
def lines(second_program):
    """Each program's own crisis line (and one counseling service each)."""
    Resource.objects.create(name="Riverside Crisis Team", category="crisis", contact="+1 555 0149")
    Resource.objects.create(name="Riverside EAP", category="counseling", contact="+1 555 0140")
    Resource.objects.create(program=second_program, name="Northside Staff Line", category="crisis",
                            contact="+1 218 555 0181")
    Resource.objects.create(program=second_program, name="Northside EAP", category="counseling",
                            contact="+1 218 555 0180")


def ask_on(client, path: str, email: str, ip: str = "203.0.113.9"):
    return client.post(path, {"email": email}, REMOTE_ADDR=ip, follow=True)


def test_with_several_programs_the_program_page_lets_the_reader_choose_their_hospital(client, lines):
    page = client.get("/support/").content.decode()
    assert 'data-testid="choose-program"' in page
    assert 'href="/support/northside/"' in page and 'href="/support/main/"' in page
    assert "Northside Hospital Peer Support" in page
    # The general words stay readable; no program's crisis lines are taken for everyone's.
    assert "not therapy" in page and "not an evaluation" in page
    assert "Riverside Crisis Team" not in page and "Northside Staff Line" not in page


def test_each_programs_page_shows_its_name_and_only_its_own_crisis_lines_and_resources(client, lines):
    page = client.get("/support/northside/").content.decode()
    assert "Northside Hospital Peer Support" in page
    assert "Northside Staff Line" in page and "Northside EAP" in page
    assert "Riverside Crisis Team" not in page and "Riverside EAP" not in page
    assert 'href="/support/northside/ask/"' in page
    page = client.get("/support/main/").content.decode()
    assert "Riverside Crisis Team" in page and "Northside Staff Line" not in page


def test_an_unknown_program_address_is_a_plain_not_found(client, lines):
    for path in ("/support/nowhere/", "/support/nowhere/ask/", "/support/nowhere/ask/sent/",
                 "/support/nowhere/thanks/"):
        assert client.get(path).status_code == 404, path


def test_asking_on_a_programs_page_gives_the_same_page_for_anyone_and_that_programs_crisis_lines(client, lines):
    make_person(name="Rae Riverside", email="rae@example.org")
    make_person(name="Nico Northside", email="nico@example.org", site="Northside")
    answers = [ask_on(client, "/support/northside/ask/", email, ip=f"203.0.113.{n}")
               for n, email in enumerate(["rae@example.org", "nico@example.org", "nobody@example.org"])]
    assert {a.status_code for a in answers} == {200}
    assert {tuple(a.redirect_chain) for a in answers} == {(("/support/northside/ask/sent/", 302),)}
    assert len({blank_tokens(a.content.decode()) for a in answers}) == 1
    page = answers[0].content.decode()
    assert "Northside Staff Line" in page and "Riverside Crisis Team" not in page
    # Each person on the roster gets their link, whichever program's page they asked on.
    process_all()
    assert set(OutboxMessage.objects.filter(kind="personal_link").values_list("to", flat=True)) == {
        "rae@example.org", "nico@example.org"}


def test_the_same_address_asked_on_two_programs_pages_does_the_same_work(client, lines):
    make_person(name="Rae Riverside", email="rae@example.org")
    on_main = ask_on(client, "/support/main/ask/", "rae@example.org", ip="203.0.113.20")
    on_north = ask_on(client, "/support/northside/ask/", "rae@example.org", ip="203.0.113.21")
    assert on_main.redirect_chain == [("/support/main/ask/sent/", 302)]
    assert on_north.redirect_chain == [("/support/northside/ask/sent/", 302)]
    assert AskRequest.objects.count() == 2


def test_the_personal_link_opens_the_persons_own_request_and_thanks_with_their_programs_lines(client, lines):
    nico = make_person(name="Nico Northside", email="nico@example.org", site="Northside")
    ask_on(client, "/support/main/ask/", "nico@example.org")
    process_all()
    [message] = OutboxMessage.objects.filter(kind="personal_link")
    thanks = client.post(link_in(message.body, "/support/link/"), FORM, follow=True)
    assert thanks.redirect_chain == [("/support/northside/thanks/", 302)]
    assert "Northside Staff Line" in thanks.content.decode()
    case = Referral.objects.get().cases.get()
    assert case.peer == nico and case.program.short_name == "northside"


def test_the_safety_report_opt_in_works_on_a_programs_ask_path(client, lines):
    nico = make_person(name="Nico Northside", email="nico@example.org", site="Northside")
    page = client.get("/support/northside/ask/?source=safety_report_opt_in").content.decode()
    assert 'action="/support/northside/ask/?source=safety_report_opt_in"' in page
    client.post("/support/northside/ask/?source=safety_report_opt_in", {"email": nico.email})
    process_all()
    [message] = OutboxMessage.objects.filter(kind="personal_link")
    client.post(link_in(message.body, "/support/link/"), FORM)
    assert Referral.objects.get().source == "safety_report_opt_in"


def test_with_several_programs_the_ask_address_lets_the_reader_choose_keeping_the_source(client, lines):
    page = client.get("/support/ask/?source=safety_report_opt_in").content.decode()
    assert 'href="/support/northside/ask/?source=safety_report_opt_in"' in page
    assert 'href="/support/main/ask/?source=safety_report_opt_in"' in page
    # A form posted to it (a page left open) is still taken, with the same answer for anyone.
    answer = ask_on(client, "/support/ask/", "nobody@example.org")
    assert answer.redirect_chain == [("/support/ask/sent/", 302)]
    assert 'href="/support/northside/"' in answer.content.decode()


def test_with_one_program_the_addresses_without_a_program_are_its_pages(client, db):
    Resource.objects.create(name="Riverside Crisis Team", category="crisis", contact="+1 555 0149")
    page = client.get("/support/").content.decode()
    assert "Riverside Crisis Team" in page and 'data-testid="choose-program"' not in page
    assert 'href="/support/ask/"' in page
    assert "Riverside Crisis Team" in ask_on(client, "/support/ask/", "nobody@example.org").content.decode()


@pytest.mark.parametrize("short_name", ["ask", "thanks", "link", "talk", "what-supporters-do", "debrief"])
def test_a_program_cannot_take_a_word_of_the_public_addresses_as_its_short_name(db, short_name):
    with pytest.raises(InvalidInput):
        program_create(name="Odd Hospital", short_name=short_name)


def test_the_other_pages_under_support_keep_their_addresses(client, second_program):
    assert client.get("/support/what-supporters-do/").status_code == 200


def test_the_choice_of_hospital_and_a_programs_page_read_in_spanish(client, lines):
    spanish = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}
    page = client.get("/support/", **spanish).content.decode()
    assert "Elija su hospital" in page and "Choose your hospital" not in page
    page = client.get("/support/northside/", **spanish).content.decode()
    assert "Más ayuda, cuando la quiera" in page and "Northside Staff Line" in page
