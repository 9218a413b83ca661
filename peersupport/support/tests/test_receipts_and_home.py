"""A clinician starts at "Ask for support"; a receipt speaks to whoever asked for themself only."""

from django.urls import reverse

from peersupport.accounts.models import Role
from peersupport.front.tests.helpers import refer
from peersupport.testing.factories import make_person, make_user


def test_a_signed_in_clinician_lands_on_ask_for_support_first(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("home"))["Location"] == reverse("support-ask")
    page = client.get(reverse("support-ask")).content.decode()
    assert page.index("Ask for support") < page.index("Refer a colleague")
    assert page.count(">Ask for support<") == 1


def test_an_opt_in_referral_of_a_colleague_keeps_the_referrers_receipt(client, db):
    referrer = make_user(Role.REFERRER, person=make_person(name="Sky Safety"))
    referral = refer(referrer, make_person(name="Pat Peer"), source="safety_report_opt_in")
    client.force_login(referrer)
    page = client.get(reverse("referral-receipt", args=[referral.pk])).content.decode()
    assert "Clinicians referred" in page and "We have your request" not in page
