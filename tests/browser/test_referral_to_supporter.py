"""From a referral to a supporter's inbox, in a real browser, with the real worker and SMTP."""

import re

import pytest
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.roster.models import Person
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.browser

PASSWORD = "a long browser password"
SUMMARY = "A patient died unexpectedly after a routine operation."


def test_referral_reaches_the_supporter_and_the_receipt_never_changes(
    site, new_page, sign_in, deliver_mail, smtp_server, assert_accessible
):
    dana = make_person(name="Dana Reyes", department="Anesthesia", specialty="Anesthesiology")
    sam = make_person(name="Sam Okoro", department="Surgery", specialty="General Surgery")
    for name, department in (("Alex Mendes", "Pediatrics"), ("Blair Novak", "Radiology")):
        make_supporter(make_person(name=name, department=department), capacity=2)
    make_user(Role.REFERRER, email="safety@example.org", password=PASSWORD)
    make_user(Role.DIRECTOR, email="director@example.org", password=PASSWORD)

    # The referrer names one clinician through the type-ahead and one by employee id.
    referrer = new_page()
    sign_in(referrer, "safety@example.org", PASSWORD)
    referrer.goto("/referrals/new/")
    referrer.locator("#lookup-q").press_sequentially("Dana", delay=20)
    referrer.get_by_test_id("lookup-option").filter(has_text="Dana Reyes").click()
    referrer.get_by_test_id("chip").filter(has_text="Dana Reyes").wait_for()
    assert_accessible(referrer)
    referrer.get_by_label("Or type their employee ids").fill(sam.employee_id)
    referrer.get_by_label("What kind of event was it?").select_option("patient_death")
    referrer.get_by_label("When did it happen?").fill(timezone.localdate().isoformat())
    referrer.get_by_label("Describe the event in one sentence").fill(SUMMARY)
    referrer.get_by_test_id("submit-referral").click()
    receipt = referrer.get_by_test_id("receipt")
    receipt.wait_for()
    assert referrer.get_by_test_id("involved-count").inner_text() == "2"
    assert_accessible(referrer)
    receipt_url, receipt_text = referrer.url, receipt.inner_text()

    # The director assigns each case's top suggestion in one click.
    director = new_page()
    sign_in(director, "director@example.org", PASSWORD)
    director.goto("/queue/")
    rows = director.get_by_test_id("queue-row")
    assert rows.count() == 2
    assert_accessible(director)
    case_ids = [rows.nth(i).get_attribute("data-case-id") for i in range(2)]
    assigned: dict[str, str] = {}  # peer's name -> supporter's employee id
    for case_id in case_ids:
        director.goto(f"/cases/{case_id}/")
        peer = director.locator("h1").inner_text()
        assert_accessible(director)
        top = director.get_by_test_id("assign-button").first
        supporter_id = top.get_attribute("data-employee-id")
        top.click()
        director.get_by_test_id("case-state").filter(has_text=re.compile(r"^Assigned$")).wait_for()
        assigned[peer] = supporter_id
    assert set(assigned) == {dana.name, sam.name}
    director.goto("/queue/")
    assert director.get_by_test_id("queue-row").count() == 0

    # The worker mails each supporter: the peer's name inside, a neutral subject outside.
    deliver_mail()
    messages = smtp_server.wait_for(3)  # the directors' notice and two assignments
    for peer, supporter_id in assigned.items():
        supporter_email = Person.objects.get(employee_id=supporter_id).email
        [mail] = [
            m for m in messages
            if m["To"] == supporter_email and peer in m.get_content()
        ]
        subject = mail["Subject"]
        assert peer not in subject and "died" not in subject.lower()
        assert re.search(rf"{re.escape(site)}/cases/\d+/", mail.get_content())

    # Nothing the referrer can see has changed.
    referrer.goto(receipt_url)
    assert referrer.get_by_test_id("receipt").inner_text() == receipt_text
