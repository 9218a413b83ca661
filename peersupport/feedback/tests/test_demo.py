"""The demo's year of feedback reads like a real program's: "88% said it helped"."""

import pytest
from django.utils import timezone

from peersupport.feedback.demo import demo_feedback
from peersupport.feedback.selectors import default_period, feedback_report
from peersupport.program.models import Program

pytestmark = pytest.mark.django_db


def test_the_demo_gives_a_year_of_answers_and_the_headline():
    assert demo_feedback(seed=7, now=timezone.now(), program_id=Program.default().pk) == 120
    report = feedback_report(default_period(timezone.localdate()))
    assert report.answers == 120
    assert report.helped_percent == 88
    recommend = next(q for q in report.questions if q.key == "recommend")
    assert [row.cell.text for row in recommend.rows] == ["92", "<11", "<11"]
