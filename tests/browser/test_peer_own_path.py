"""The peer's own path, with no account, on a phone: asking by work email, and coming back."""

import re

import pytest
from django.utils import timezone

from peersupport.cases.actions import UNDO_WINDOW, case_record_outreach, case_record_response
from peersupport.cases.models import Case, CaseState
from peersupport.notifications.services import outbox_flush
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.browser
SUMMARY = "A medication dose was given twice on the ward overnight."


def link_in(mail, path: str) -> str:
    match = re.search(rf"https?://\S+{re.escape(path)}\S+/", mail.get_content())
    assert match, mail.get_content()
    return match.group(0)


def test_a_clinician_with_no_login_asks_for_support_from_the_program_page_on_a_phone(
    team, new_page, sign_in, deliver_mail, smtp_server, assert_accessible, assert_no_horizontal_scroll
):
    dana = make_person(name="Dana Reyes", email="dana@example.org", department="Anesthesia")
    phone = new_page(phone=True)
    phone.goto("/support/")
    phone.get_by_test_id("crisis-lines").filter(has_text="Call or text 988").wait_for()
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)

    phone.get_by_test_id("ask-link").click()
    phone.get_by_label("Your work email").fill("Dana@Example.org")
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)
    phone.get_by_test_id("send-link").click()
    phone.get_by_test_id("ask-sent").wait_for()
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)

    deliver_mail()
    [mail] = [m for m in smtp_server.wait_for(1) if m["To"] == "dana@example.org"]
    assert "Dana" not in mail["Subject"]
    link = link_in(mail, "/support/link/")
    phone.goto(link)
    phone.get_by_label("What kind of event was it?").select_option("medical_error")
    phone.get_by_label("When did it happen?").fill(timezone.localdate().isoformat())
    phone.get_by_label("Describe the event in one sentence").fill(SUMMARY)
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)
    phone.get_by_test_id("submit-referral").click()
    phone.get_by_test_id("support-thanks").wait_for()
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)

    # The same link a second time: the kind page, which offers the public ask path.
    phone.goto(link)
    phone.get_by_test_id("link-refused").wait_for()
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)

    director = new_page()
    sign_in(director, team.director.email, team.password)
    director.goto("/queue/")
    case = Case.objects.get(peer=dana)
    director.locator(f'[data-testid="queue-row"][data-case-id="{case.pk}"]').wait_for()
    assert case.referral.source == "self" and case.referral.referred_by is None


def test_a_clinician_of_the_second_hospital_chooses_it_on_the_program_page_and_asks_on_a_phone(
    team, new_page, deliver_mail, smtp_server, assert_accessible, assert_no_horizontal_scroll
):
    from peersupport.program.services import program_create, program_site_set
    from peersupport.resources.models import Resource

    lakeside = program_create(name="Lakeside Community Hospital Peer Support", short_name="lakeside")
    program_site_set(site="Lakeside Campus", program=lakeside)
    Resource.objects.create(program=lakeside, name="Lakeside Staff Crisis Line", category="crisis",
                            contact="+1 218 555 0181")
    lee = make_person(name="Lee Lakeside", email="lee@example.org", site="Lakeside Campus")
    phone = new_page(phone=True)
    phone.goto("/support/")
    phone.get_by_test_id("choose-program").wait_for()
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)

    phone.get_by_role("link", name="Lakeside Community Hospital Peer Support").click()
    phone.get_by_test_id("program-name").filter(has_text="Lakeside Community Hospital").wait_for()
    crisis = phone.get_by_test_id("crisis-lines")
    assert "Lakeside Staff Crisis Line" in crisis.inner_text() and "Call or text 988" not in crisis.inner_text()
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)

    phone.get_by_test_id("ask-link").click()
    assert "/support/lakeside/ask/" in phone.url
    phone.get_by_label("Your work email").fill("lee@example.org")
    phone.get_by_test_id("send-link").click()
    phone.get_by_test_id("ask-sent").wait_for()
    assert "/support/lakeside/ask/sent/" in phone.url
    assert "Lakeside Staff Crisis Line" in phone.get_by_test_id("crisis-lines").inner_text()
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)

    deliver_mail()
    [mail] = [m for m in smtp_server.wait_for(1) if m["To"] == "lee@example.org"]
    phone.goto(link_in(mail, "/support/link/"))
    phone.get_by_label("What kind of event was it?").select_option("medical_error")
    phone.get_by_label("When did it happen?").fill(timezone.localdate().isoformat())
    phone.get_by_label("Describe the event in one sentence").fill(SUMMARY)
    phone.get_by_test_id("submit-referral").click()
    phone.get_by_test_id("support-thanks").wait_for()
    assert "/support/lakeside/thanks/" in phone.url
    assert Case.objects.get(peer=lee).program == lakeside


def test_a_peer_who_declined_comes_back_with_one_click_from_the_open_invitation(
    team, new_page, deliver_mail, smtp_server, assert_accessible, assert_no_horizontal_scroll
):
    robin = make_person(name="Robin Peer", email="robin@example.org", department="Emergency")
    case = team.assign(team.refer(robin))
    supporter = team.supporter.person.user
    case_record_outreach(actor=supporter, case_id=case.pk, channel="call")
    case_record_response(actor=supporter, case_id=case.pk, response="declined")
    # The open invitation is held while the decline can be undone; the sweep after it sends it.
    outbox_flush(now=timezone.now() + UNDO_WINDOW)
    [invitation] = [m for m in smtp_server.wait_for(1) if m["To"] == "robin@example.org"]

    phone = new_page(phone=True)
    phone.goto(link_in(invitation, "/support/talk/"))
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)
    phone.get_by_test_id("talk-now").click()
    phone.get_by_test_id("support-thanks").wait_for()
    assert_accessible(phone)
    back = Case.objects.exclude(pk=case.pk).get(peer=robin)
    assert back.reengagement_of_id == case.pk and back.state == CaseState.AWAITING_ASSIGNMENT
