"""The report: counts per answer per question for a period, small counts hidden, the headline
share only when it reveals nothing the counts hide."""

from datetime import date

import pytest

from peersupport.accounts.models import Role
from peersupport.feedback.models import FeedbackAnswer, UsefulResource
from peersupport.feedback.selectors import feedback_report, parse_period
from peersupport.lib.errors import InvalidInput
from peersupport.program.models import ProgramSettings
from peersupport.testing.factories import make_user

pytestmark = pytest.mark.django_db


def answers(count: int, *, month: date = date(2026, 5, 1), helped: str = "yes", timely: str = "right_time",
            useful: tuple[str, ...] = ("counseling",)) -> None:
    for _ in range(count):
        answer = FeedbackAnswer.objects.create(month=month, category="patient_death", timely=timely,
                                               helped=helped, recommend="yes")
        for kind in useful:
            UsefulResource.objects.create(answer=answer, category=kind)


def cells(report, key: str) -> dict[str, str]:
    question = next(q for q in report.questions if q.key == key)
    return {row.label: row.cell.text for row in question.rows} | {"total": question.total.text}


def test_counts_per_answer_with_the_headline_from_enough_answers():
    answers(30, helped="yes")
    answers(14, helped="a_little")
    answers(12, helped="no", useful=())
    report = feedback_report(parse_period("2026"))
    assert cells(report, "helped") == {"Yes": "30", "A little": "14", "Not really": "12", "total": "56"}
    assert report.helped_percent == 79  # 44 of 56
    assert cells(report, "useful")["Counseling"] == "44"
    assert cells(report, "useful")["None of them"] == "12"


def test_small_counts_are_hidden_and_so_is_the_headline_they_would_reveal():
    answers(40, helped="yes")
    answers(3, helped="no", timely="too_late")
    report = feedback_report(parse_period("2026-Q2"))
    helped = cells(report, "helped")
    assert helped["Not really"] == "<11"
    # One count hidden: the total is hidden too, so it cannot be worked out by subtraction.
    assert "<11" in (helped["Yes"], helped["total"])
    assert cells(report, "timely")["No, it came too late"] == "<11"
    assert report.helped_percent is None


def test_the_headline_needs_at_least_the_threshold_of_answers():
    answers(10, helped="yes")
    assert feedback_report(parse_period("2026")).helped_percent is None
    answers(1, helped="yes")
    assert feedback_report(parse_period("2026")).helped_percent == 100


def test_the_threshold_is_the_programs():
    program = ProgramSettings.current()
    program.small_count_threshold = 5
    program.save()
    answers(6, helped="yes")
    answers(5, helped="no")
    report = feedback_report(parse_period("2026-05"))
    assert cells(report, "helped")["Not really"] == "5"
    assert report.helped_percent == 55


def test_a_period_counts_only_its_own_months():
    answers(12, month=date(2026, 3, 1))
    answers(13, month=date(2026, 4, 1))
    answers(14, month=date(2025, 12, 1))
    assert feedback_report(parse_period("2026-03")).answers == 12
    assert feedback_report(parse_period("2026-Q2")).answers == 13
    assert feedback_report(parse_period("2026")).answers == 25
    assert feedback_report(parse_period("2025-Q4")).answers == 14


@pytest.mark.parametrize("value", ["", "2026-13", "2026-Q5", "last year", "26", "2026-1"])
def test_a_period_out_of_the_list_is_refused(value):
    with pytest.raises(InvalidInput):
        parse_period(value)


def test_the_director_and_leadership_see_the_page(client):
    answers(20)
    for role in (Role.DIRECTOR, Role.LEADER):
        client.force_login(make_user(role))
        response = client.get("/feedback/report/?period=2026")
        assert response.status_code == 200
        assert "100% said it helped" in response.content.decode()


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.SUPPORTER, Role.REFERRER, Role.CLINICIAN])
def test_other_roles_may_not_see_the_feedback(client, role):
    client.force_login(make_user(role))
    assert client.get("/feedback/report/").status_code == 403


def test_a_bad_period_is_refused_with_a_message(client):
    client.force_login(make_user(Role.LEADER))
    response = client.get("/feedback/report/?period=forever")
    assert response.status_code == 422
    assert "Choose a year, a quarter or a month" in response.content.decode()


def test_the_page_shows_small_counts_as_below_the_threshold(client):
    answers(4)
    client.force_login(make_user(Role.LEADER))
    html = client.get("/feedback/report/?period=2026-05").content.decode()
    assert "&lt;11" in html and ">4<" not in html
    assert 'data-testid="no-headline"' in html


def test_the_past_twelve_months_are_this_month_and_the_eleven_before():
    period = parse_period("past-12-months", date(2026, 11, 30))
    assert (period.start, period.end) == (date(2025, 12, 1), date(2026, 12, 1))
    answers(12, month=date(2025, 12, 1))
    answers(13, month=date(2025, 11, 1))
    assert feedback_report(period).answers == 12
