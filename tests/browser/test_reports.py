"""Leadership reads the reports on a phone, picks another period and downloads a table."""

from datetime import date

import pytest
from django.utils import timezone

from peersupport.audit.models import AuditEntry

pytestmark = pytest.mark.browser

PAGE_SIZE = "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"


def test_a_leader_reads_the_reports_on_a_phone_and_downloads_a_table(team, new_page, sign_in, assert_accessible):
    from peersupport.accounts.models import Role
    from peersupport.cases.models import CaseState
    from peersupport.reports.tests.helpers import add_cases
    from peersupport.testing.factories import make_user

    last_year = timezone.localdate().year - 1
    add_cases(month=date(last_year, 3, 1), category="patient_death", state=CaseState.CLOSED, count=14,
              answer="accepted", minutes=30)
    add_cases(month=date(last_year, 3, 1), category="medical_error", state=CaseState.CLOSED, count=3,
              answer="declined")
    leader = make_user(Role.LEADER, email="chief@example.org", password=team.password)

    phone = new_page(phone=True)
    sign_in(phone, leader.email, team.password)
    phone.get_by_role("heading", name="Program reports").wait_for()
    phone.get_by_label("Period").select_option(str(last_year))
    phone.get_by_role("button", name="Show").click()
    phone.get_by_text(f"for {last_year} beside {last_year - 1}").wait_for()
    chart = phone.get_by_role("img", name=f"Outcomes by event category: total, {last_year} beside {last_year - 1}")
    assert chart.is_visible()
    assert "<11" in phone.get_by_test_id("report-table").first.inner_text()
    assert phone.evaluate(PAGE_SIZE)[0] <= 375
    assert_accessible(phone)

    with phone.expect_download() as download:
        phone.get_by_test_id("export-csv").first.click()
    path = download.value.path()
    content = path.read_text(encoding="utf-8")
    assert "Patient death" in content and "<11" in content
    assert AuditEntry.objects.filter(action="export", actor=leader, object_type="report").count() == 1

    # The same figures by department, with the timing and the team below them.
    phone.get_by_label("Group by").select_option("department")
    phone.get_by_role("button", name="Show").click()
    phone.get_by_role("heading", name="Outcomes by department").wait_for()
    assert phone.get_by_test_id("timing-section").is_visible()
    assert phone.evaluate(PAGE_SIZE)[0] <= 375
    assert_accessible(phone)

    # The deck, one click from the reports.
    with phone.expect_download() as download:
        phone.get_by_test_id("deck-download").first.click()
    assert download.value.suggested_filename.endswith(".pptx")
    assert AuditEntry.objects.filter(action="export", actor=leader, object_type="report").count() == 2
