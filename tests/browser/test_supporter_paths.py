"""The supporter's side on a phone, end to end: a decline, and an acceptance through to closing.

The cases are referred and assigned through the services (Core 1's browser test covers that);
everything the supporter does here is done on a 375-pixel-wide touch screen, the emails go
through the real worker to the loopback SMTP server, and the director reads the timing on a
desktop. The referrer's receipt is read before and after: nothing on it may change.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from peersupport.cases.actions import UNDO_WINDOW
from peersupport.cases.models import Case, CaseState
from peersupport.notifications.services import outbox_flush
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.browser

SUMMARY = "A patient died unexpectedly after a routine operation."


def _receipt(page, case: Case) -> str:
    page.goto(f"/referrals/{case.referral_id}/")
    return page.get_by_test_id("receipt").inner_text()


def _tap_menu_link(phone, name: str) -> None:
    """On a phone the main menu is folded: open it, then tap the page's link."""
    menu = phone.get_by_test_id("nav-menu")
    if not menu.evaluate("el => el.open"):
        menu.locator("summary").tap()
    with phone.expect_navigation():
        phone.get_by_role("link", name=name).tap()


def _open_from_my_peers(phone, peer_name: str, assert_no_horizontal_scroll) -> None:
    """From anywhere, the supporter taps "My peers", then their peer's case."""
    _tap_menu_link(phone, "My peers")
    assert_no_horizontal_scroll(phone)
    card = phone.get_by_test_id("my-case").filter(has_text=peer_name)
    card.get_by_test_id("open-case").tap()
    phone.get_by_role("heading", level=1, name=peer_name).wait_for()
    assert_no_horizontal_scroll(phone)


def _mail_to(smtp_server, address: str) -> list:
    return [m for m in smtp_server.messages if m["To"] == address]


def test_a_decline_sends_the_peer_resources_and_an_open_door(
    team, site, new_page, sign_in, deliver_mail, smtp_server, assert_no_horizontal_scroll, assert_accessible
):
    dana = make_person(name="Dana Reyes", department="Anesthesia", email="dana@example.org",
                       phone="+1 555 010 2030")
    case = team.assign(team.refer(dana, summary=SUMMARY))
    deliver_mail()  # the directors' notice and the assignment: not what this test is about

    referrer = new_page()
    sign_in(referrer, team.referrer.email, team.password)
    receipt_before = _receipt(referrer, case)

    # On the phone: sign in, My peers, the case; record a text, then the peer's "no, thank you".
    phone = new_page(phone=True)
    sign_in(phone, team.supporter.person.email, team.password)
    _open_from_my_peers(phone, dana.name, assert_no_horizontal_scroll)
    phone.get_by_test_id("outreach-text").tap()
    phone.get_by_test_id("response-section").wait_for()
    assert "Recorded: text message." in phone.locator(".messages").inner_text()
    assert_no_horizontal_scroll(phone)
    phone.get_by_test_id("response-declined").tap()
    encouragement = phone.get_by_test_id("encouragement")
    encouragement.wait_for()
    assert "A decline is not a failure" in encouragement.inner_text()
    assert "will send them its resources and an open invitation" in encouragement.inner_text()
    phone.get_by_test_id("undo-response").wait_for()  # a mistaken tap can be taken back, for a while
    assert phone.get_by_test_id("case-state").inner_text() == "Declined"
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)  # the encouragement, the resources and closing, on the phone

    # The worker sends Dana the resources and the way back, and nothing about the event.
    assert not _mail_to(smtp_server, dana.email)
    deliver_mail()
    assert not _mail_to(smtp_server, dana.email)  # held while the decline can be undone
    outbox_flush(now=timezone.now() + UNDO_WINDOW)
    [mail] = _mail_to(smtp_server, dana.email)
    body = mail.get_content()
    assert mail["Reply-To"] == team.supporter.person.email
    for resource in team.resources:
        assert resource.name in body
    from peersupport.program.models import Program

    assert f"{site}/support/{Program.default().short_name}/ask/" in body  # the peer's program's ask page
    assert "reach out at any time" in body
    event_words = [SUMMARY, "died", "patient", "operation", case.referral.get_category_display().lower()]
    for text in (mail["Subject"], body):
        assert not [word for word in event_words if word.lower() in text.lower()], text
        assert dana.name.split()[-1] not in text  # at most the first name, in the greeting

    # The case waits only to be closed; the referrer's receipt is word for word the same.
    phone.reload()
    assert phone.get_by_test_id("close-case").is_visible()
    assert _receipt(referrer, case) == receipt_before


def test_an_acceptance_a_conversation_a_resource_and_closing(
    team, site, new_page, sign_in, deliver_mail, smtp_server, assert_no_horizontal_scroll
):
    sam = make_person(name="Sam Okoro", department="Surgery", email="sam@example.org",
                      phone="+1 555 010 4050")
    case = team.assign(team.refer(sam, summary=SUMMARY))
    # A second peer of the same supporter, whose first outreach is already late.
    jo = make_person(name="Jo Lindqvist", department="Emergency")
    late = team.assign(team.refer(jo))
    Case.objects.filter(pk=late.pk).update(next_due_at=timezone.now() - timedelta(hours=3))
    deliver_mail()

    referrer = new_page()
    sign_in(referrer, team.referrer.email, team.password)
    receipt_before = _receipt(referrer, case)

    phone = new_page(phone=True)
    sign_in(phone, team.supporter.person.email, team.password)
    assert phone.get_by_test_id("my-case").count() == 2
    phone.get_by_test_id("my-case").filter(has_text=jo.name).get_by_test_id("my-case-overdue").wait_for()
    _open_from_my_peers(phone, sam.name, assert_no_horizontal_scroll)

    # The program emails the warm note, replies going to the supporter.
    phone.get_by_test_id("outreach-send-email").tap()
    phone.get_by_test_id("response-section").wait_for()
    assert_no_horizontal_scroll(phone)
    deliver_mail()
    [note] = _mail_to(smtp_server, sam.email)
    assert note["Reply-To"] == team.supporter.person.email
    assert "Sam" in note.get_content() and SUMMARY not in note.get_content()

    phone.get_by_test_id("response-accepted").tap()
    encounter = phone.get_by_test_id("encounter-section")
    encounter.wait_for()
    assert_no_horizontal_scroll(phone)

    # One conversation: today, 35 minutes, by phone, three topics, no follow-up planned.
    assert encounter.get_by_label("Date").input_value() == timezone.localdate().isoformat()
    encounter.get_by_label("How many minutes").fill("35")
    encounter.get_by_label("Phone", exact=True).check()
    for topic in ("Opening and invitation", "Listening and reflecting", "Normalizing the reaction"):
        encounter.get_by_label(topic).check()
    assert not encounter.get_by_label("We plan to talk again").is_checked()
    phone.get_by_test_id("record-encounter").tap()
    recorded = phone.get_by_test_id("encounter")
    recorded.wait_for()
    assert "talked for 35 min, phone" in recorded.inner_text()
    assert "another talk planned" not in recorded.inner_text()
    assert not phone.get_by_test_id("encounter-check").count()  # one conversation: no check yet
    assert_no_horizontal_scroll(phone)

    # A warm hand-off to counseling, then close.
    phone.get_by_test_id("resources-section").get_by_label("Resource", exact=True).select_option(
        label="Employee Assistance Program")
    phone.get_by_test_id("resource-connected").tap()
    phone.get_by_test_id("case-record").get_by_text("connected them with Employee Assistance Program").wait_for()
    assert_no_horizontal_scroll(phone)
    phone.get_by_test_id("close-case").tap()
    phone.get_by_test_id("closed-thanks").wait_for()
    assert phone.get_by_test_id("case-state").inner_text() == "Closed"
    assert_no_horizontal_scroll(phone)
    _tap_menu_link(phone, "My peers")
    assert [c.get_attribute("data-case-id") for c in phone.get_by_test_id("my-case").all()] == [str(late.pk)]

    # The director, at a desk, sees each step and how long after the referral it came.
    director = new_page()
    sign_in(director, team.director.email, team.password)
    director.goto(f"/cases/{case.pk}/")
    steps = director.get_by_test_id("timeline").get_by_test_id("timeline-step")
    rows = [[cell.inner_text().strip() for cell in row.locator("td").all()] for row in steps.all()]
    labels = [step.splitlines()[0] for _, step, _ in rows]
    assert labels == ["Referred", "Assigned", "First outreach", "Response", "Conversation",
                      "Connected to a resource", "Closed"]
    by_label = {step.splitlines()[0]: (when, step, after) for when, step, after in rows}
    assert "Email sent by the program" in by_label["First outreach"][1]
    assert "Accepted" in by_label["Response"][1]
    assert "Phone, 35 min" in by_label["Conversation"][1]
    assert "Employee Assistance Program" in by_label["Connected to a resource"][1]
    for label in labels[1:]:
        when, _, after = by_label[label]
        assert when and re.search(r"\d", when), label
        assert re.fullmatch(r"at once|same day|\d+\xa0minutes?|\d+ minutes?", after), (label, after)

    # The overview: the closed case is no longer open; the late step and the load are there.
    director.goto("/overview/")
    counts = {
        row.locator("th").inner_text(): row.locator("td").inner_text()
        for row in director.get_by_test_id("state-count").all()
    }
    assert counts[CaseState.ASSIGNED.label] == "1" and counts[CaseState.ACCEPTED.label] == "0"
    [overdue] = director.get_by_test_id("overdue-row").all()
    assert overdue.get_attribute("data-case-id") == str(late.pk)
    assert "First outreach" in overdue.inner_text() and team.supporter.person.name in overdue.inner_text()
    load = director.locator(f'[data-testid="load-row"][data-employee-id="{team.supporter.person.employee_id}"]')
    assert re.sub(r"\s+", " ", load.inner_text()).startswith(f"{team.supporter.person.name} 1 / 4 1")

    # Through it all, the referrer's receipt never changed.
    assert _receipt(referrer, case) == receipt_before
