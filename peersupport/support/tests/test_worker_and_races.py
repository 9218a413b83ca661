"""The public path through the real worker and a real SMTP server; two uses of one link at once."""

import threading

import pytest
from django.db import connections
from django.test import Client

from peersupport.notifications.testing import run_worker_until_idle
from peersupport.referrals.forms import SelfReferralForm
from peersupport.referrals.models import Referral
from peersupport.support.links import ASK, LinkRefused, make_token, read_token
from peersupport.support.models import AskRequest, LinkUse
from peersupport.support.selectors import self_referral_input
from peersupport.support.services import link_self_refer
from peersupport.support.tests.helpers import ask, link_in
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db(transaction=True)
FORM = {"category": "medical_error", "occurred_on": "2026-11-20", "summary": "A dose was given twice overnight."}


def test_the_worker_mails_the_link_to_a_person_on_the_roster_and_nothing_for_an_unknown_address(smtp_server):
    peer = make_person(name="Dana Reyes", email="dana@example.org")
    client = Client()
    ask(client, "Dana@Example.org", ip="203.0.113.1")
    ask(client, "nobody@example.org", ip="203.0.113.2")
    run_worker_until_idle()
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "dana@example.org" and "Dana" not in mail["Subject"]
    assert list(AskRequest.objects.values_list("email", flat=True)) == ["", ""]
    url = link_in(mail.get_content(), "/support/link/")
    assert client.post(url, FORM).status_code == 302
    assert Referral.objects.get().cases.get().peer == peer
    assert len(smtp_server.messages) == 1


@pytest.mark.postgres(reason="concurrent writers need PostgreSQL")
def test_two_sends_of_one_link_at_the_same_instant_make_one_referral():
    peer = make_person(email="dana@example.org")
    token = make_token(ASK, person_id=peer.pk)
    link = read_token(ASK, token)
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def send(index: int) -> None:
        try:
            form = SelfReferralForm(FORM)
            assert form.is_valid()
            data = self_referral_input(form, link)
            barrier.wait()
            outcomes[index] = link_self_refer(link=link, data=data)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(type(o).__name__ for o in outcomes) == ["LinkRefused", "Referral"], outcomes
    assert [o.problem for o in outcomes if isinstance(o, LinkRefused)] == ["used"]
    assert Referral.objects.count() == 1 and LinkUse.objects.count() == 1
