"""A peer answers the feedback questions on a phone (390×844): from the link in the email sent
when their case closed, signed out; a missing answer is said plainly, with the choices kept; the
page passes axe and never scrolls sideways; the link then no longer works."""

import re

import pytest

from peersupport.feedback.models import FeedbackAnswer
from peersupport.notifications.models import OutboxMessage

pytestmark = pytest.mark.browser

PHONE_390 = {"viewport": {"width": 390, "height": 844}}


def test_a_peer_answers_the_feedback_questions_on_a_phone(
        site, new_page, assert_accessible, assert_no_horizontal_scroll):
    from peersupport.feedback.tests.helpers import closed_case

    closed_case()
    body = OutboxMessage.objects.get(kind="feedback_invitation").body
    link = re.search(r"https?://\S+/feedback/\S+/", body)
    assert link

    page = new_page(phone=True, **PHONE_390)
    page.goto(link[0])
    page.get_by_test_id("feedback-form").wait_for()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.get_by_label("Yes, at about the right time").check()
    page.get_by_role("group", name="Which of these were useful to you?").get_by_label("Counseling").check()
    page.get_by_role("group", name="Which of these were useful to you?").get_by_label("Time off").check()
    page.get_by_role("group", name="Would you suggest the program to a colleague after a hard day?") \
        .get_by_label("Yes").check()
    # "Did it help?" left unanswered: told so, and the other choices stay ticked.
    page.get_by_test_id("feedback-send").click()
    page.get_by_test_id("form-error").wait_for()
    assert "Please choose one answer." in page.content()
    assert page.get_by_label("Yes, at about the right time").is_checked()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.get_by_role("group", name="Did talking with a colleague help?").get_by_label("A little").check()
    page.get_by_test_id("feedback-send").click()
    page.get_by_test_id("feedback-thanks").wait_for()
    assert_no_horizontal_scroll(page)
    answer = FeedbackAnswer.objects.get()
    assert (answer.timely, answer.helped, answer.recommend) == ("right_time", "a_little", "yes")
    assert sorted(answer.useful.values_list("category", flat=True)) == ["counseling", "time_off"]

    page.goto(link[0])
    page.get_by_test_id("link-refused").wait_for()
    assert "already sent" in page.content()


def test_leadership_reads_the_feedback_report_on_a_phone(
        site, new_page, sign_in, assert_accessible, assert_no_horizontal_scroll):
    from django.utils import timezone

    from peersupport.accounts.models import Role
    from peersupport.feedback.demo import demo_feedback
    from peersupport.program.models import Program
    from peersupport.testing.factories import make_user

    demo_feedback(seed=3, now=timezone.now(), program_id=Program.default().pk)
    make_user(Role.LEADER, email="leader@example.org", password="a long browser password")
    page = new_page(phone=True, **PHONE_390)
    sign_in(page, "leader@example.org", "a long browser password")
    page.goto("/feedback/report/")
    assert page.get_by_test_id("helped-percent").inner_text().startswith("88% said it helped")
    assert "<11" in page.get_by_test_id("feedback-question").nth(2).inner_text()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.screenshot(path="/tmp/fbshot/report.png", full_page=True)

    page.get_by_label("Period").select_option(label=timezone.localdate().strftime("%B %Y"))
    page.get_by_role("button", name="Show").click()
    page.get_by_test_id("no-headline").wait_for()
    assert_no_horizontal_scroll(page)


def test_the_system_leader_reads_each_program_s_feedback_and_all_together_on_a_phone(
        site, new_page, sign_in, assert_accessible, assert_no_horizontal_scroll):
    from django.utils import timezone

    from peersupport.accounts.models import Role
    from peersupport.feedback.demo import demo_feedback
    from peersupport.program.models import Program
    from peersupport.program.services import program_create
    from peersupport.testing.factories import make_user

    first = Program.default()  # the installation's first program, before the second one
    lakeside = program_create(name="Lakeside Peer Support", short_name="lakeside")
    demo_feedback(seed=3, now=timezone.now(), program_id=first.pk)
    demo_feedback(seed=4, now=timezone.now(), program_id=lakeside.pk, per_month=3)
    make_user(Role.SYSTEM_LEADER, email="system@example.org", password="a long browser password")
    page = new_page(phone=True, **PHONE_390)
    sign_in(page, "system@example.org", "a long browser password")
    page.goto("/feedback/report/")
    names = page.get_by_test_id("feedback-scope-name").all_inner_texts()
    assert names == [first.name, "Lakeside Peer Support", "All programs combined"]
    assert page.get_by_test_id("feedback-scope").count() == 3
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
