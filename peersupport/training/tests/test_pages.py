"""The director maintains courses, sessions and materials; the administrator reads them and
records attendance; bad input is a clear message and no change."""

from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.testing.factories import make_person
from peersupport.training.models import Course, Material, Session
from peersupport.training.tests.helpers import make_course, make_session


def test_the_director_adds_a_course_a_session_and_a_material(client, director, supporter_a):
    client.force_login(director)
    response = client.post(reverse("training-course-new"), {"name": "Supporter basics", "kind": "initial",
                                                           "active": "on"})
    course = Course.objects.get()
    assert response["Location"] == reverse("training-course", args=[course.pk])
    day = (timezone.localdate() + timezone.timedelta(days=14)).isoformat()
    response = client.post(reverse("training-session-new", args=[course.pk]), {
        "day": day, "time": "13:30", "minutes": 240, "place": "Education center, room 2",
        "facilitators": f"{supporter_a.person.employee_id}, {director.person.employee_id}"})
    session = Session.objects.get()
    assert response.status_code == 302 and session.facilitators.count() == 2
    client.post(reverse("training-material-new"), {"title": "Listening guide", "url": "https://example.org/guide",
                                                   "course": course.pk, "active": "on"})
    assert Material.objects.get().course == course
    page = client.get(reverse("training")).content.decode()
    assert "Supporter basics" in page and "Education center, room 2" in page and "Listening guide" in page
    assert {"training.course_create", "training.session_create", "training.material_create"} <= set(
        AuditEntry.objects.values_list("action", flat=True))


def test_bad_input_is_refused_with_a_message_and_no_change(client, director):
    course = make_course()
    outsider = make_person()
    client.force_login(director)
    day = timezone.localdate().isoformat()
    cases = [
        ("training-course-new", [], {"name": "", "kind": "initial"}),
        ("training-course-new", [], {"name": "A course", "kind": "advanced"}),
        ("training-session-new", [course.pk], {"day": "2026-02-30", "time": "10:00", "minutes": 60, "place": "Hall"}),
        ("training-session-new", [course.pk], {"day": day, "time": "10:00", "minutes": 5, "place": "Hall"}),
        ("training-session-new", [course.pk], {"day": day, "time": "10:00", "minutes": 60, "place": "Hall",
                                               "facilitators": outsider.employee_id}),
        ("training-material-new", [], {"title": "Only a title"}),
        ("training-material-new", [], {"title": "Bad link", "url": "javascript:alert(1)"}),
    ]
    for name, args, body in cases:
        response = client.post(reverse(name, args=args), body)
        assert response.status_code == 422, (name, body)
    assert Course.objects.count() == 1 and not Session.objects.exists() and not Material.objects.exists()
    refused = client.post(reverse("training-session-new", args=[course.pk]), cases[4][2]).content.decode()
    assert f"program&#x27;s staff; not so: {outsider.employee_id}" in refused


def test_the_administrator_records_attendance_but_does_not_maintain_courses(client, administrator):
    session = make_session()
    person = make_person()
    client.force_login(administrator)
    assert client.get(reverse("training-course", args=[session.course_id])).status_code == 200
    assert client.post(reverse("training-course-new"), {"name": "X", "kind": "initial"}).status_code == 403
    assert client.post(reverse("training-settings"), {"refresher_months": 3, "notice_days": 7}).status_code == 403
    page = client.get(reverse("training-session", args=[session.pk]))
    assert 'data-testid="attendance-form"' in page.content.decode()
    response = client.post(reverse("training-session", args=[session.pk]),
                           {"others": person.employee_id, "completed": "yes"})
    assert response.status_code == 302 and session.attendance.get().person == person


def test_a_supporter_sees_only_their_own_training(client, supporter_a, supporter_b):
    session = make_session(make_course(name="Peer listening, day one"))
    session.attendance.create(person=supporter_b.person, kind="initial", trained_on=timezone.localdate())
    client.force_login(supporter_a.person.user)
    page = client.get(reverse("my-training")).content.decode()
    assert "Peer listening, day one" not in page
    assert client.get(reverse("training")).status_code == 403
    assert client.get(reverse("training-session", args=[session.pk])).status_code == 403
