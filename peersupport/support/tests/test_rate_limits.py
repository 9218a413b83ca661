"""Requests for a link are limited per address typed and per client, in the database."""

import pytest
import time_machine
from django.utils import timezone

from peersupport.notifications.models import OutboxMessage
from peersupport.support.models import AskRequest
from peersupport.support.tests.helpers import ask, blank_tokens, process_all
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.SUPPORT_ASK_PER_ADDRESS = 3
    settings.SUPPORT_ASK_PER_CLIENT = 5
    settings.SUPPORT_ASK_WINDOW_MINUTES = 60


def test_an_address_asked_for_too_often_is_paused_with_a_clear_page_and_no_more_mail(client):
    make_person(email="dana@example.org")
    answers = [ask(client, "dana@example.org", ip=f"203.0.113.{n}") for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    page = answers[-1].content.decode()
    assert "try again in 60 minutes" in page
    process_all()
    assert OutboxMessage.objects.count() == 3
    assert AskRequest.objects.count() == 3


def test_the_limited_page_is_the_same_for_an_address_on_the_roster_and_one_not(client):
    make_person(email="dana@example.org")
    for _ in range(3):
        ask(client, "dana@example.org", ip="203.0.113.1")
        ask(client, "nobody@example.org", ip="203.0.113.2")
    known = ask(client, "dana@example.org", ip="203.0.113.1")
    unknown = ask(client, "nobody@example.org", ip="203.0.113.2")
    assert known.status_code == unknown.status_code == 429
    assert blank_tokens(known.content.decode()) == blank_tokens(unknown.content.decode())


def test_one_client_asking_for_many_addresses_is_paused(client):
    answers = [ask(client, f"guess{n}@example.org", ip="198.51.100.9") for n in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert ask(client, "someone@example.org", ip="198.51.100.10").status_code == 200


def test_the_limit_counts_the_address_whatever_its_letter_case(client):
    for n, address in enumerate(["dana@example.org", "DANA@example.org", " Dana@Example.org "]):
        assert ask(client, address, ip=f"203.0.113.{n}").status_code == 200
    assert ask(client, "dAnA@EXAMPLE.ORG", ip="203.0.113.9").status_code == 429


def test_the_pause_ends_when_the_window_has_passed(client):
    for n in range(3):
        ask(client, "dana@example.org", ip=f"203.0.113.{n}")
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=61)):
        assert ask(client, "dana@example.org", ip="203.0.113.50").status_code == 200


def test_no_address_or_client_address_is_stored_only_keyed_hashes(client):
    ask(client, "dana@example.org", ip="203.0.113.77")
    process_all()
    row = AskRequest.objects.values().get()
    assert "dana" not in str(row) and "203.0.113.77" not in str(row)


def test_requests_past_the_window_are_deleted_by_the_worker(client):
    ask(client, "dana@example.org", ip="203.0.113.1")
    process_all()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=61)):
        ask(client, "dana@example.org", ip="203.0.113.1")
        process_all()
    assert AskRequest.objects.count() == 1
