"""The roster import in a real browser: upload an HR file, choose its columns, read the preview,
import, and watch the progress bar (htmx polling) reach done as the real worker runs."""

import pytest

from peersupport.roster.models import Person
from peersupport.roster.tests.test_import import csv_bytes, person_row
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.browser


def test_upload_map_preview_and_import_with_the_progress_bar(team, new_page, sign_in, deliver_mail,
                                                            assert_accessible):
    make_person(employee_id="H00001", name="Hospital Person 1", rank=2)
    rows = [person_row(i, supervisor="H00300" if i < 300 else "") for i in range(1, 301)]
    rows.append(person_row(301, email="not-an-address"))
    page = new_page()
    sign_in(page, team.director.email, team.password)
    page.goto("/roster/")
    page.get_by_test_id("roster-import-link").click()
    assert_accessible(page)
    page.get_by_label("HR export (CSV or Excel .xlsx)").set_input_files(
        files=[{"name": "workday.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}])
    page.get_by_role("button", name="Upload and choose the columns").click()

    # The columns were guessed from the headings; keep them, and check the file.
    assert page.get_by_label("Employee id", exact=True).input_value() == "Employee ID"
    assert page.get_by_label("Supervisor's employee id").input_value() == "Manager ID"
    assert_accessible(page)
    page.get_by_role("button", name="Check the file").click()
    status = page.get_by_test_id("roster-import-status")
    assert status.get_attribute("data-status") == "previewing"
    assert page.locator("progress").count() == 1
    page.reload()  # the page shows the same, and keeps polling, after a reload
    assert page.get_by_test_id("roster-import-status").get_attribute("data-status") == "previewing"
    deliver_mail()  # the real worker runs the queued check
    page.get_by_test_id("import-problem").wait_for()  # the poll swapped the result in
    assert "not-an-address" in page.get_by_test_id("import-problems").inner_text()
    assert page.get_by_test_id("import-start").count() == 0

    # Corrected file: the problem row is left out.
    page.goto("/roster-import/")
    page.get_by_label("HR export (CSV or Excel .xlsx)").set_input_files(
        files=[{"name": "workday.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows[:-1])}])
    page.get_by_role("button", name="Upload and choose the columns").click()
    page.get_by_label("Remember this mapping as").fill("Workday")
    page.get_by_role("button", name="Check the file").click()
    deliver_mail()
    page.get_by_test_id("import-start").wait_for()
    assert page.get_by_test_id("import-added").inner_text() == "299"
    assert page.get_by_test_id("import-changed").inner_text() == "1"
    assert_accessible(page)
    page.get_by_test_id("import-start").click()
    assert page.get_by_test_id("roster-import-status").get_attribute("data-status") == "importing"
    deliver_mail()
    page.get_by_test_id("import-done").wait_for()
    assert page.locator("progress").get_attribute("value") == "100"
    assert Person.objects.filter(employee_id__startswith="H").count() == 300
    assert Person.objects.get(employee_id="H00001").supervisor.employee_id == "H00300"
