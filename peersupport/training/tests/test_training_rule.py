"""The training rule: a supporter becomes active only once their initial training is recorded,
through the web form, the API's single PUT and its batch alike; nobody already active is demoted."""

from datetime import date
from importlib import import_module

from django.apps import apps
from django.urls import reverse

from peersupport.roster.models import Supporter, SupporterStatus
from peersupport.testing.factories import make_person, make_supporter
from peersupport.training.models import Attendance, CourseKind
from peersupport.training.tests.helpers import make_course, make_session

legacy_migration = import_module("peersupport.training.migrations.0002_legacy_initial_training")


def test_the_supporter_form_refuses_active_until_the_initial_training_is_recorded(client, director):
    supporter = make_supporter(status=SupporterStatus.IN_TRAINING, trained_on=None)
    person = supporter.person
    client.force_login(director)
    url = reverse("supporter-edit", args=[person.employee_id])
    assert "No initial training recorded yet" in client.get(url).content.decode()
    refused = client.post(url, {"status": "active", "capacity": "2"})
    assert refused.status_code == 422
    assert "only once their initial training is recorded" in refused.content.decode()
    supporter.refresh_from_db()
    assert supporter.status == SupporterStatus.IN_TRAINING

    session = make_session()
    recorded = client.post(reverse("training-session", args=[session.pk]),
                           {"others": person.employee_id, "completed": "yes"})
    assert recorded.status_code == 302
    supporter.refresh_from_db()
    # Recording the initial training fills in the training date.
    assert supporter.trained_on == session.starts_at.date()
    assert "Initial training recorded on" in client.get(url).content.decode()
    assert client.post(url, {"status": "active", "capacity": "2"}).status_code == 302
    supporter.refresh_from_db()
    assert supporter.status == SupporterStatus.ACTIVE


def test_attending_without_completing_or_a_refresher_is_not_initial_training(client, director):
    person = make_person()
    client.force_login(director)
    client.post(reverse("training-session", args=[make_session().pk]),
                {"others": person.employee_id, "completed": "no"})
    client.post(reverse("training-session", args=[make_session(make_course(CourseKind.REFRESHER)).pk]),
                {"others": person.employee_id, "completed": "yes"})
    assert Attendance.objects.filter(person=person).count() == 2
    response = client.post(reverse("supporter-edit", args=[person.employee_id]),
                           {"status": "active", "capacity": "2", "trained_on": "2026-01-10"})
    assert response.status_code == 422 and not Supporter.objects.filter(person=person).exists()


def test_api_put_refuses_active_without_initial_training_with_422(call, director, db):
    make_person(employee_id="E7001")
    response = call(director, "PUT", "/supporters/E7001", {"status": "active", "trained_on": "2026-01-10"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "status"
    assert not Supporter.objects.exists()
    # Nominated is fine; once the training is recorded, active is too.
    assert call(director, "PUT", "/supporters/E7001", {"status": "nominated"}).status_code == 201
    Attendance.objects.create(session=make_session(), person=Supporter.objects.get().person,
                              kind=CourseKind.INITIAL, trained_on=date(2026, 3, 2))
    response = call(director, "PUT", "/supporters/E7001", {"status": "active"})
    assert response.status_code == 200 and response.json()["trained_on"] == "2026-03-02"


def test_api_batch_refuses_the_whole_batch_naming_each_untrained_item(call, director, db):
    trained = make_person(employee_id="E7101")
    make_person(employee_id="E7102")
    Attendance.objects.create(session=make_session(), person=trained, kind=CourseKind.INITIAL,
                              trained_on=date(2026, 2, 1))
    body = {"supporters": [{"employee_id": "E7101", "status": "active"},
                           {"employee_id": "E7102", "status": "active", "trained_on": "2026-01-10"}]}
    response = call(director, "POST", "/supporters/batch", body)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["supporters", 1, "status"]]
    assert not Supporter.objects.exists()
    body["supporters"][1]["status"] = "in_training"
    assert call(director, "POST", "/supporters/batch", body).json()["created"] == 2
    assert Supporter.objects.get(person=trained).trained_on == date(2026, 2, 1)


def test_an_active_supporter_without_a_record_stays_active_when_their_record_changes(call, director, db):
    """Only becoming active needs the record: a feed that sends an active supporter again, or
    changes their case limit, is not refused."""
    supporter = make_supporter(trained_on=date(2025, 6, 1))
    Attendance.objects.filter(person=supporter.person).delete()
    employee_id = supporter.person.employee_id
    response = call(director, "PUT", f"/supporters/{employee_id}",
                    {"status": "active", "capacity": 3, "trained_on": "2025-06-01"})
    assert response.status_code == 200
    batch = call(director, "POST", "/supporters/batch",
                 {"supporters": [{"employee_id": employee_id, "status": "active", "capacity": 1,
                                  "trained_on": "2025-06-01"}]})
    assert batch.status_code == 200


def test_the_migration_records_legacy_training_for_active_supporters_with_a_date(db):
    dated = make_supporter(trained_on=date(2025, 4, 1))
    undated = make_supporter(trained_on=None)
    in_training = make_supporter(status=SupporterStatus.IN_TRAINING, trained_on=date(2025, 4, 1))
    Attendance.objects.all().delete()

    legacy_migration.record_legacy_training(apps, None)

    [record] = Attendance.objects.all()
    assert (record.person_id, record.legacy, record.kind, record.trained_on) == (
        dated.person_id, True, CourseKind.INITIAL, date(2025, 4, 1))
    assert not Attendance.objects.filter(person__in=[undated.person, in_training.person]).exists()
    # Nobody was demoted.
    assert Supporter.objects.get(pk=undated.pk).status == SupporterStatus.ACTIVE
