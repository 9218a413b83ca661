"""Training in a real browser at phone width: an attendee answers the evaluation from the link in
their email, and the director's training pages fit the screen; each page passes axe."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from peersupport.notifications.models import OutboxMessage
from peersupport.program.models import Program
from peersupport.training.models import Course, Evaluation, Session
from peersupport.training.services import attendance_record

pytestmark = pytest.mark.browser

PAGE_WIDTH = "() => document.documentElement.scrollWidth"


@pytest.fixture
def session(team):
    course = Course.objects.create(program=Program.default(), name="Supporter basics: listening without fixing",
                                   kind="initial")
    session = Session.objects.create(course=course, starts_at=timezone.now() - timedelta(days=1),
                                     place="Education center, room 2")
    attendance_record(actor=team.director, session=session, employee_ids=[team.supporter.person.employee_id])
    return session


def test_an_attendee_answers_the_evaluation_on_a_phone(team, session, new_page, assert_accessible):
    body = OutboxMessage.objects.get(kind="training_evaluation").body
    path = re.search(r"https?://\S+?(/training/evaluation/[^/\s]+/)", body).group(1)
    phone = new_page(phone=True)
    phone.goto(path)
    phone.get_by_test_id("evaluation-form").wait_for()
    assert phone.evaluate(PAGE_WIDTH) <= 375
    assert_accessible(phone)
    phone.get_by_label("4", exact=True).first.check()
    phone.get_by_label("Agree", exact=True).check()
    phone.get_by_label("About right").check()
    phone.get_by_role("button", name="Send my answers").tap()
    phone.get_by_test_id("evaluation-thanks").wait_for()
    assert_accessible(phone)
    assert Evaluation.objects.get().usefulness == 4
    phone.goto(path)
    phone.get_by_test_id("link-refused").wait_for()


def test_the_directors_training_pages_fit_a_phone(team, session, new_page, sign_in, assert_accessible):
    phone = new_page(phone=True)
    sign_in(phone, team.director.email, team.password)
    for path in ("/training/", f"/training/courses/{session.course_id}/", f"/training/sessions/{session.pk}/"):
        phone.goto(path)
        assert phone.evaluate(PAGE_WIDTH) <= 375, path
        assert_accessible(phone)
    supporter = new_page(phone=True)
    sign_in(supporter, team.supporter.person.email, team.password)
    supporter.goto("/my/training/")
    supporter.get_by_test_id("my-history").wait_for()
    assert supporter.evaluate(PAGE_WIDTH) <= 375
    assert_accessible(supporter)
