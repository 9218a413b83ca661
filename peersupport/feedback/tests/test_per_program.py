"""Each program's peers' answers are its own; the system leader sees every program's and all of them
together, every figure hidden together with the others."""

from datetime import date

import pytest
from django.urls import reverse

from peersupport.accounts.models import Role
from peersupport.feedback.models import FeedbackAnswer
from peersupport.feedback.selectors import FeedbackScope, feedback_report, feedback_reports, parse_period
from peersupport.feedback.tests.helpers import ANSWERS, closed_case, feedback_path
from peersupport.program.models import Program
from peersupport.testing.factories import make_user

pytestmark = pytest.mark.django_db
MAY = date(2026, 5, 1)


def answers(program: Program, count: int, *, helped: str = "yes") -> None:
    FeedbackAnswer.objects.bulk_create(
        FeedbackAnswer(program=program, month=MAY, category="patient_death", timely="right_time", helped=helped,
                       recommend="yes") for _ in range(count))


def helped(report) -> dict[str, str]:
    question = next(q for q in report.questions if q.key == "helped")
    return {row.label: row.cell.text for row in question.rows} | {"total": question.total.text}


@pytest.fixture
def northside_director(second_program):
    return make_user(Role.DIRECTOR, program=second_program)


def test_the_answer_belongs_to_the_closed_case_s_program(client, second_program):
    case = closed_case()
    path = feedback_path()
    assert client.post(path, ANSWERS).status_code == 302
    assert FeedbackAnswer.objects.get().program_id == case.program_id
    # A peer of the second program answers for it.
    from peersupport.cases.models import Case
    from peersupport.feedback.services import feedback_invite

    Case.objects.filter(pk=case.pk).update(program=second_program)
    feedback_invite(case=Case.objects.get(pk=case.pk))
    assert client.post(feedback_path(), ANSWERS).status_code == 302
    assert set(FeedbackAnswer.objects.values_list("program_id", flat=True)) == {case.program_id, second_program.pk}


def test_a_program_s_report_counts_its_own_answers_only(client, director, northside_director, second_program):
    answers(Program.default(), 30)
    answers(second_program, 12, helped="a_little")
    client.force_login(northside_director)
    response = client.get(reverse("feedback-report"), {"period": "2026-05"})
    [(_, report)] = response.context["reports"]
    assert report.answers == 12 and helped(report)["A little"] == "12" and helped(report)["Yes"] == "0"
    assert 'data-testid="feedback-scope-name"' not in response.content.decode()
    client.force_login(director)
    [(_, report)] = client.get(reverse("feedback-report"), {"period": "2026-05"}).context["reports"]
    assert report.answers == 30 and helped(report)["Yes"] == "30"


def test_the_system_leader_sees_each_program_and_all_together(client, second_program):
    answers(Program.default(), 30)
    answers(second_program, 12)
    client.force_login(make_user(Role.SYSTEM_LEADER))
    response = client.get(reverse("feedback-report"), {"period": "2026-05"})
    assert response.status_code == 200
    reports = dict(response.context["reports"])
    assert [report.answers for report in reports.values()] == [30, 12, 42]
    assert second_program.name in response.content.decode()


def test_a_count_hidden_in_one_program_cannot_be_worked_out_from_the_combined(second_program):
    """The first program: 30 "yes" and 3 "not really" (hidden); the second: 12 and 12. Combined:
    42 and 15, nothing small, yet 15 - 12 would give the 3 away unless more is hidden."""
    answers(Program.default(), 30)
    answers(Program.default(), 3, helped="no")
    answers(second_program, 12)
    answers(second_program, 12, helped="no")
    first, second, combined = feedback_reports(parse_period("2026-05"))
    assert helped(first)["Not really"] == "<11"
    # Neither the combined minus the second program's, nor the first's total minus its "yes".
    assert "<11" in (helped(second)["Not really"], helped(combined)["Not really"])
    assert "<11" in (helped(first)["Yes"], helped(first)["total"])
    # Nor the combined total minus every other shown figure.
    assert "<11" in (helped(second)["total"], helped(combined)["total"], helped(combined)["Yes"],
                     helped(second)["Yes"])


def test_a_program_s_own_view_matches_the_system_leader_s(second_program):
    answers(Program.default(), 30)
    answers(Program.default(), 3, helped="no")
    answers(second_program, 12)
    answers(second_program, 12, helped="no")
    period = parse_period("2026-05")
    first, second, _ = feedback_reports(period)
    assert helped(feedback_report(period, second_program.pk)) == helped(second)
    assert helped(feedback_report(period, Program.default().pk)) == helped(first)


def test_a_scope_at_its_own_threshold_joins_the_problem(second_program):
    answers(second_program, 12)
    [report] = feedback_reports(parse_period("2026-05"), [FeedbackScope(second_program.pk, 20)])
    assert helped(report)["Yes"] == "<20"
