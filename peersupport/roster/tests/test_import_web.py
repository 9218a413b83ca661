"""The roster import in the web: upload, map the columns, the preview, the import, its progress."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.roster import services_import
from peersupport.roster.models import ImportMapping, ImportStatus, Person, RosterImport
from peersupport.roster.tests.test_import import COLUMNS, csv_bytes, person_row, xlsx_bytes
from peersupport.testing.factories import make_person


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """The worker, played in the test's own process: a task runs when its transaction commits."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(client, content: bytes, name: str = "hr.csv"):
    return client.post(reverse("roster-import-new"), {"file": SimpleUploadedFile(name, content)})


def mapping_body(columns=COLUMNS, **extra) -> dict[str, str]:
    return {**{f"column_{name}": heading for name, heading in columns.items()}, "mapping_name": "Workday", **extra}


def test_upload_map_preview_and_import_through_the_pages(client, director, django_capture_on_commit_callbacks):
    make_person(employee_id="GONE1", name="Left The Hospital")
    client.force_login(director)
    assert b"Import from a file" in client.get(reverse("roster")).content
    director_row = [director.person.employee_id, director.person.name, "", "Physician", "", "", "", "yes"]
    response = upload(client, csv_bytes([person_row(1, supervisor="H00002"), person_row(2), director_row]))
    found = RosterImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("roster-import", args=[found.pk])
    page = client.get(reverse("roster-import", args=[found.pk])).content.decode()
    # The columns are guessed from the headings and offered.
    assert '<option value="Employee ID" selected>' in page and '<option value="Manager ID" selected>' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roster-import", args=[found.pk]),
                               mapping_body(deactivate_missing="on"))
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.status == ImportStatus.PREVIEWED
    assert found.summary["added"] == 2 and found.summary["deactivated"] == 1
    assert Person.objects.count() == 2  # the preview changed nothing
    page = client.get(reverse("roster-import", args=[found.pk])).content.decode()
    assert 'data-testid="import-added">2<' in page and 'data-testid="import-deactivated">1<' in page
    assert "hx-trigger" not in page  # nothing running: no polling

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roster-import-start", args=[found.pk]))
    found.refresh_from_db()
    assert found.status == ImportStatus.DONE and found.percent == 100
    assert bytes(found.content) == b""  # the file's copy is gone once imported
    assert dict(Person.objects.values_list("employee_id", "active")) == {
        "H00001": True, "H00002": True, "GONE1": False, director.person.employee_id: True}
    assert Person.objects.get(employee_id="H00001").supervisor.employee_id == "H00002"
    entry = AuditEntry.objects.get(action="roster.import")
    assert entry.actor_id == director.pk and entry.detail["added"] == 2 and entry.detail["source"] == "web"
    # The mapping is remembered, and offered for the next file.
    assert ImportMapping.objects.get().columns == COLUMNS
    upload(client, xlsx_bytes([person_row(3)]), "next.xlsx")
    assert RosterImport.objects.latest("pk").mapping_name == "Workday"
    # Importing again is refused: it is done.
    response = client.post(reverse("roster-import-start", args=[found.pk]))
    assert response.status_code == 409 and b"not waiting to be started" in response.content


def test_the_preview_lists_each_problem_and_the_import_button_is_not_offered(
        client, director, django_capture_on_commit_callbacks):
    client.force_login(director)
    upload(client, csv_bytes([person_row(1), person_row(2, email="nope"), person_row(3, rank="12")]))
    found = RosterImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster-import", args=[found.pk]), mapping_body())
    page = client.get(reverse("roster-import", args=[found.pk])).content.decode()
    assert page.count('data-testid="import-problem"') == 2
    assert "<td>3</td><td>Work Email</td><td>&#x27;nope&#x27; is not an email address." in page
    assert "<td>4</td><td>Level</td>" in page
    assert 'data-testid="import-start"' not in page
    response = client.post(reverse("roster-import-start", args=[found.pk]))
    assert response.status_code == 422 and b"has problems" in response.content
    assert Person.objects.filter(employee_id__startswith="H").count() == 0


@pytest.mark.parametrize(("content", "name", "says"), [
    (b"", "hr.csv", "The file is empty"),
    (b"%PDF-1.7\x00\x00binary", "roster.pdf", "not a CSV or Excel"),
    (b"Employee ID\n", "hr.csv", None),  # headings and no rows: accepted, with 0 rows
])
def test_a_bad_file_is_refused_on_the_upload_page_with_what_to_do(client, director, content, name, says):
    client.force_login(director)
    response = upload(client, content, name)
    if says is None:
        assert response.status_code == 302
        return
    assert response.status_code == 422
    assert says in response.content.decode()
    assert not RosterImport.objects.exists()


def test_a_mapping_without_the_employee_id_is_refused_and_checks_nothing(client, director):
    client.force_login(director)
    upload(client, csv_bytes([person_row(1)]))
    found = RosterImport.objects.get()
    response = client.post(reverse("roster-import", args=[found.pk]),
                           mapping_body({"name": "Full Name"}))
    assert response.status_code == 422
    assert b"Choose the column that holds the employee id" in response.content
    found.refresh_from_db()
    assert found.status == ImportStatus.UPLOADED


def test_the_page_polls_the_progress_while_the_worker_runs_and_after_a_reload(client, director):
    client.force_login(director)
    upload(client, csv_bytes([person_row(i) for i in range(1, 30)]))
    found = RosterImport.objects.get()
    # The worker is halfway through (as it writes to the row), and the page is opened again.
    RosterImport.objects.filter(pk=found.pk).update(status=ImportStatus.IMPORTING, stage="Checking rows",
                                                    total_rows=29, done_rows=15, percent=40)
    page = client.get(reverse("roster-import", args=[found.pk])).content.decode()
    progress_url = reverse("roster-import-progress", args=[found.pk])
    assert f'hx-get="{progress_url}"' in page and 'hx-trigger="every 1s"' in page
    assert '<progress max="100" value="40"' in page and "Checking rows: 15 of 29 rows (40%)" in page
    fragment = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert 'value="40"' in fragment and "<html" not in fragment
    RosterImport.objects.filter(pk=found.pk).update(status=ImportStatus.DONE, percent=100,
                                                    summary={"rows": 29, "added": 29, "problem_count": 0})
    fragment = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and 'data-testid="import-added">29<' in fragment


def test_the_worker_writes_its_progress_to_the_row_as_it_checks(director, monkeypatch):
    found = services_import.roster_import_upload(
        actor=director, filename="hr.csv", content=csv_bytes([person_row(i) for i in range(1, 12_001)]))
    RosterImport.objects.filter(pk=found.pk).update(columns=COLUMNS, status=ImportStatus.PREVIEWING)
    seen: list[tuple[str, int]] = []
    real = services_import._set_progress

    def observed(import_id, stage, done, percent):
        real(import_id, stage, done, percent)
        row = RosterImport.objects.get(pk=import_id)
        seen.append((row.stage, row.percent))

    monkeypatch.setattr(services_import, "_set_progress", observed)
    services_import.roster_import_preview_run(found.pk)
    percents = [percent for _, percent in seen]
    assert percents == sorted(percents) and len(set(percents)) >= 3
    assert ("Checked", 100) in seen and ("Reading rows", 41) in seen
    found.refresh_from_db()
    assert found.status == ImportStatus.PREVIEWED and found.summary["added"] == 12_000


def test_the_import_checks_the_file_again_and_fails_cleanly_when_the_roster_changed(director):
    found = services_import.roster_import_upload(
        actor=director, filename="hr.csv", content=csv_bytes([person_row(1, supervisor="BOSS1")]))
    boss = make_person(employee_id="BOSS1", name="The Boss")
    RosterImport.objects.filter(pk=found.pk).update(columns=COLUMNS, status=ImportStatus.PREVIEWING)
    services_import.roster_import_preview_run(found.pk)
    found.refresh_from_db()
    assert found.summary["problem_count"] == 0
    boss.delete()  # the supervisor left the roster between the preview and the import
    RosterImport.objects.filter(pk=found.pk).update(status=ImportStatus.IMPORTING)
    services_import.roster_import_run(found.pk)
    found.refresh_from_db()
    assert found.status == ImportStatus.FAILED and "Nothing was changed" in found.error
    assert found.problems[0]["column"] == "Manager ID" and "BOSS1" in found.problems[0]["message"]
    assert not Person.objects.filter(employee_id="H00001").exists()


def test_only_program_staff_reach_an_import(client, director, supporter_a, referrer):
    found = services_import.roster_import_upload(actor=director, filename="hr.csv",
                                                 content=csv_bytes([person_row(1)]))
    client.force_login(referrer)
    assert client.get(reverse("roster-import", args=[found.pk])).status_code == 403
    client.force_login(director)
    assert client.get(reverse("roster-import", args=[found.pk + 1])).status_code == 404


def test_an_import_whose_worker_stopped_may_be_checked_again(client, director, django_capture_on_commit_callbacks):
    client.force_login(director)
    upload(client, csv_bytes([person_row(1)]))
    found = RosterImport.objects.get()
    RosterImport.objects.filter(pk=found.pk).update(status=ImportStatus.IMPORTING, columns=COLUMNS)
    response = client.post(reverse("roster-import", args=[found.pk]), mapping_body())
    assert response.status_code == 409  # still running: the mapping cannot change under it
    RosterImport.objects.filter(pk=found.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    page = client.get(reverse("roster-import", args=[found.pk])).content.decode()
    assert 'data-testid="import-stalled"' in page and "Check the file" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster-import", args=[found.pk]), mapping_body())
    found.refresh_from_db()
    assert found.status == ImportStatus.PREVIEWED and found.summary["added"] == 1


def test_an_import_waiting_for_its_check_is_a_valid_row_with_no_findings_yet(client, director):
    """A mapping is saved and the check queued; until the worker runs, the findings are empty, and
    that is a valid state of the row, not a blank required field."""
    client.force_login(director)
    upload(client, csv_bytes([person_row(1)]))
    found = RosterImport.objects.get()
    response = client.post(reverse("roster-import", args=[found.pk]), mapping_body())
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.summary == {} and found.problems == []
    found.full_clean()
