"""Nominating on a phone (390×844): the colleague opens the personal link from the campaign's
email, finds two colleagues and themself with the type-ahead, ticks a reason for each, is told
what is missing, and sends. The page passes axe and never scrolls sideways; the link then no
longer works."""

import pytest

from peersupport.accounts.models import Role
from peersupport.recruitment.models import Nomination
from peersupport.recruitment.services import campaign_send, campaign_send_all
from peersupport.recruitment.tests.factories import make_campaign, make_candidate
from peersupport.recruitment.tests.helpers import nomination_path
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.browser

PHONE_390 = {"viewport": {"width": 390, "height": 844}}


def test_a_colleague_nominates_two_colleagues_and_themself_on_a_phone(
        site, new_page, assert_accessible, assert_no_horizontal_scroll):
    staff = make_user(Role.ADMINISTRATOR)
    me = make_person(name="Morgan Rivera", department="Emergency Medicine", email="morgan@example.org")
    kim = make_person(name="Kim Abara-Whitfield", department="Pediatric Intensive Care")
    make_supporter(make_person(name="Kimberly Stone", department="Oncology"))
    lee = make_person(name="Lee Okafor", department="Anesthesiology")
    campaign = make_campaign(staff, name="Emergency and pediatrics, spring")
    campaign_send(actor=staff, campaign_id=campaign.pk)
    campaign_send_all(campaign.pk)

    page = new_page(phone=True, **PHONE_390)
    page.goto(nomination_path(me.email))
    assert "Emergency and pediatrics, spring" in page.content()

    search = page.get_by_test_id("nominee-search")
    search.fill("kim")
    page.get_by_role("button", name="Kim Abara-Whitfield").click()
    page.locator(f'[data-person="{kim.pk}"]').wait_for()
    search.fill("oka")
    page.get_by_role("button", name="Lee Okafor").click()
    page.locator(f'[data-person="{lee.pk}"]').wait_for()
    page.get_by_test_id("nominate-self").click()
    page.locator(f'[data-person="{me.pk}"]').wait_for()
    assert page.get_by_test_id("nominee").count() == 3
    assert_no_horizontal_scroll(page)

    # Sent with no reason for Lee: told so, with the choices kept.
    page.locator(f'[data-person="{kim.pk}"]').get_by_label("A good listener").check()
    page.locator(f'[data-person="{kim.pk}"]').get_by_label("Discreet").check()
    page.locator(f'[data-person="{me.pk}"]').get_by_label("Has lived through a hard event").check()
    page.get_by_test_id("send-nominations").click()
    page.get_by_test_id("nomination-errors").wait_for()
    assert "at least one reason" in page.get_by_test_id("nomination-errors").inner_text()
    assert page.locator(f'[data-person="{kim.pk}"]').get_by_label("Discreet").is_checked()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.locator(f'[data-person="{lee.pk}"]').get_by_label("Calm under pressure").check()
    page.get_by_test_id("send-nominations").click()
    page.get_by_test_id("nomination-thanks").wait_for()
    assert_no_horizontal_scroll(page)

    found = {n.nominee_id: n for n in Nomination.objects.all()}
    assert set(found) == {kim.pk, lee.pk, me.pk}
    assert found[kim.pk].reasons == ["listener", "discreet"] and found[me.pk].self_nomination

    page.goto(nomination_path(me.email))
    assert "already been used" in page.get_by_test_id("link-refused").inner_text()


def test_the_campaign_page_follows_sending_by_itself_also_after_a_reload(site, new_page, sign_in, assert_accessible):
    director = make_user(Role.DIRECTOR, email="director@example.org", password="a long browser password")
    from peersupport.accounts.testing import enrolled_device

    enrolled_device(director)
    for i in range(3):
        make_person(name=f"Colleague {i}")
    campaign = make_campaign(director, name="Everyone, autumn")
    campaign_send(actor=director, campaign_id=campaign.pk)  # the task waits: no worker runs here

    page = new_page()
    sign_in(page, director.email, "a long browser password")
    page.goto(f"/recruiting/{campaign.pk}/")
    page.reload()
    assert "0 of 3 invitations" in page.get_by_test_id("progress-text").inner_text()
    campaign_send_all(campaign.pk)  # what the worker's task does
    page.get_by_text("3 of 3 invitations", exact=False).wait_for()
    assert page.get_by_role("heading", name="Sent").is_visible()
    assert_accessible(page)
    make_candidate(make_person(name="Robin Nominee"), nominator_count=2)
    page.goto("/recruiting/candidates/")
    assert_accessible(page)
    page.goto("/recruiting/new/")
    assert_accessible(page)


def test_a_nominee_reads_what_supporters_do_and_says_yes_on_a_phone(
        site, new_page, assert_accessible, assert_no_horizontal_scroll):
    from peersupport.recruitment.pipeline import candidate_invite
    from peersupport.recruitment.tests.helpers import answer_path

    director = make_user(Role.DIRECTOR)
    nominee = make_person(name="Robin Nominee", email="robin@example.org")
    candidate_invite(actor=director, candidate_id=make_candidate(nominee, nominator_count=3).pk)

    page = new_page(phone=True, **PHONE_390)
    page.goto(answer_path("robin@example.org"))
    assert_accessible(page)
    page.get_by_role("link", name="what supporters do and how much time it takes").click()
    page.get_by_role("heading", name="How much time it takes").wait_for()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.go_back()
    page.get_by_test_id("answer-yes").click()
    page.get_by_test_id("answered").wait_for()
    assert "Welcome to the team" in page.get_by_test_id("answered").inner_text()
    assert_accessible(page)
    nominee.refresh_from_db()
    assert nominee.supporter.status == "in_training"
