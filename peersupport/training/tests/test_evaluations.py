"""Evaluations: one single-use personal link per attendee, fixed choices, aggregates only."""

from django.urls import reverse

from peersupport.audit.models import AuditEntry
from peersupport.testing.factories import make_person, program_settings
from peersupport.training.models import Evaluation
from peersupport.training.reports import course_report, session_reports, suppress
from peersupport.training.tests.helpers import evaluation_path, make_course, make_session

ANSWERS = {"usefulness": "5", "readiness": "4", "pace": "right"}


def record(client, session, people, completed="yes"):
    return client.post(reverse("training-session", args=[session.pk]),
                       {"others": " ".join(p.employee_id for p in people), "completed": completed})


def test_each_attendee_gets_one_link_that_works_once(client, administrator):
    pat = make_person(name="Pat Attendee")
    session = make_session()
    client.force_login(administrator)
    assert record(client, session, [pat]).status_code == 302
    record(client, session, [pat])  # recorded again: no second email
    path = evaluation_path(pat.email)
    client.logout()

    form = client.get(path)
    assert form.status_code == 200 and 'data-testid="evaluation-form"' in form.content.decode()
    sent = client.post(path, ANSWERS)
    assert sent.status_code == 302 and sent["Location"] == reverse("training-evaluation-thanks")
    [answer] = Evaluation.objects.all()
    assert (answer.session_id, answer.usefulness, answer.readiness, answer.pace) == (session.pk, 5, 4, "right")
    assert not hasattr(answer, "person")  # nothing ties the answers to who gave them

    used = client.post(path, ANSWERS)
    assert used.status_code == 410 and "already been sent" in used.content.decode()
    assert client.get(path).status_code == 410
    assert Evaluation.objects.count() == 1
    assert AuditEntry.objects.filter(action="training.evaluation").count() == 1


def test_a_tampered_link_or_a_bad_answer_changes_nothing(client, administrator):
    pat = make_person()
    session = make_session()
    client.force_login(administrator)
    record(client, session, [pat])
    path = evaluation_path(pat.email)
    client.logout()
    tampered = client.get(path[:-3] + "xx/")
    assert tampered.status_code == 410 and "not complete" in tampered.content.decode()
    for bad in ({**ANSWERS, "usefulness": "9"}, {**ANSWERS, "pace": "whatever"}, {"usefulness": "3"},
                {**ANSWERS, "usefulness": "\x00"}):
        response = client.post(path, bad)
        assert response.status_code == 422
    assert not Evaluation.objects.exists()
    # The link still works after a bad try.
    assert client.post(path, ANSWERS).status_code == 302


def test_attendance_cannot_be_recorded_before_the_session_or_for_unknown_people(client, director):
    future = make_session(days_ago=-3)
    client.force_login(director)
    response = client.post(reverse("training-session", args=[future.pk]),
                           {"others": make_person().employee_id, "completed": "yes"})
    assert response.status_code == 409 and "once the session has begun" in response.content.decode()
    past = make_session()
    unknown = client.post(reverse("training-session", args=[past.pk]), {"others": "NOBODY-1", "completed": "yes"})
    assert unknown.status_code == 422 and "Not on the roster: NOBODY-1" in unknown.content.decode()
    empty = client.post(reverse("training-session", args=[past.pk]), {"completed": "yes"})
    assert empty.status_code == 422
    assert not past.attendance.exists() and not future.attendance.exists()


def test_suppress_hides_small_counts_and_one_more_when_one_alone_would_show():
    assert suppress([20, 15, 3], 11) == ["20", "<11", "<11"]
    assert suppress([20, 5, 3], 11) == ["20", "<11", "<11"]
    assert suppress([20, 30, 40], 11) == ["20", "30", "40"]
    assert suppress([0, 25], 11) == ["<11", "<11"]


def _answers(session, count, usefulness=4):
    Evaluation.objects.bulk_create(Evaluation(session=session, usefulness=usefulness, readiness=4, pace="right")
                                   for _ in range(count))


def test_the_course_report_suppresses_small_counts(db):
    course = make_course()
    big, small = make_session(course), make_session(course, days_ago=40)
    assert not course_report(course, 11).enough and course_report(course, 11).answers == "<11"
    _answers(big, 12)
    _answers(small, 3, usefulness=1)
    report = course_report(course, 11)
    assert report.enough and report.answers == "15"
    usefulness = {cell.label: cell.shown for cell in report.questions[0].cells}
    assert usefulness["4"] == "12" and usefulness["1 – not useful"] == "<11"
    # The small session shows no count or averages; the large one's count would give it away
    # (the course total less it), so it is hidden too.
    by_session = {r.session.pk: r for r in session_reports(course.sessions.all(), 11)}
    assert by_session[small.pk].answers == "<11" and by_session[small.pk].usefulness is None
    assert by_session[big.pk].answers == "<11"


def test_staff_see_aggregates_only_and_the_threshold_is_the_programs(client, director):
    program_settings(**{"small_count_threshold": 5})
    course = make_course()
    first, second = make_session(course), make_session(course, days_ago=9)
    _answers(first, 6)
    _answers(second, 7, usefulness=2)
    client.force_login(director)
    page = client.get(reverse("training-course", args=[course.pk])).content.decode()
    assert 'data-testid="course-answers">13<' in page
    assert "4.0" in page and "2.0" in page  # each session's average, both above the threshold
    assert "<5" in page or "&lt;5" in page  # the empty answers of the questions are hidden
