"""A supporter chooses texts on their phone; the director assigns them a peer; the text the gateway
receives says only that there is a new peer, and its link opens the case on the phone."""

import pytest

from peersupport.notifications.testing import LoopbackTextGateway
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.browser

PAGE_SIZE = "() => document.documentElement.scrollWidth"


@pytest.fixture
def text_gateway(settings):
    gateway = LoopbackTextGateway()
    gateway.start()
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_USERNAME, settings.SMS_GATEWAY_PASSWORD = gateway.username, gateway.password
    settings.SMS_SENDER = "+15550109999"
    yield gateway
    gateway.stop()


def test_a_supporter_chooses_texts_on_their_phone_and_the_texts_link_opens_the_case(
    team, text_gateway, new_page, sign_in, deliver_mail, assert_accessible, site
):
    team.supporter.person.phone = "+1 555 010 0177"
    team.supporter.person.save(update_fields=["phone"])
    phone = new_page(phone=True)
    sign_in(phone, team.supporter.person.email, team.password)
    phone.goto("/my/team/")
    phone.get_by_test_id("notify-by").wait_for()
    assert phone.evaluate(PAGE_SIZE) <= 375
    assert_accessible(phone)
    phone.get_by_label("Text message", exact=True).check()
    phone.get_by_test_id("notify-form").get_by_role("button", name="Save").tap()
    phone.get_by_text("Saved: you are told of a new peer by text message.").wait_for()

    case = team.refer(make_person(name="Rowan Ellery-Stokes", department="Burns"))
    team.assign(case)
    deliver_mail()

    [text] = text_gateway.accepted
    assert text.form["To"] == "+15550100177"
    assert text.form["Body"] == f"You have a new peer to reach out to: {site}/cases/{case.pk}/"
    link = text.form["Body"].rsplit(" ", 1)[1]
    phone.goto(link)
    phone.get_by_text("Rowan Ellery-Stokes").first.wait_for()
