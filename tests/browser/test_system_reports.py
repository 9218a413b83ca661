"""The system leader reads every program's reports side by side and combined, then one program's."""

from datetime import date

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


def test_the_system_leader_reads_every_program_side_by_side_then_one_program(
        team, second_program, new_page, sign_in, assert_accessible):
    from peersupport.accounts.models import Role
    from peersupport.cases.models import CaseState
    from peersupport.reports.tests.helpers import add_cases
    from peersupport.testing.factories import make_user

    last_year = timezone.localdate().year - 1
    add_cases(month=date(last_year, 3, 1), category="patient_death", state=CaseState.ACCEPTED, count=20)
    add_cases(month=date(last_year, 3, 1), category="patient_death", state=CaseState.ACCEPTED, count=15,
              site="Northside")
    system = make_user(Role.SYSTEM_LEADER, email="system@example.org", password=team.password)

    page = new_page()
    sign_in(page, system.email, team.password)
    page.get_by_role("heading", name="Program reports").wait_for()
    page.get_by_label("Period").select_option(str(last_year))
    page.get_by_role("button", name="Show").click()
    page.get_by_role("heading", name="Every program side by side").wait_for()
    first = page.get_by_test_id("side-by-side-table").first
    rows = {row.get_attribute("data-program"): row.inner_text()
            for row in first.get_by_test_id("side-by-side-row").all()}
    assert set(rows) == {"main", "northside", "all"}
    assert rows["main"].split()[-1] == "20" and rows["northside"].split()[-1] == "15"
    assert rows["all"].split()[-1] == "35"
    assert page.get_by_test_id("report-scope").inner_text() == "Every program of the health system, combined."
    assert_accessible(page)

    # One program's detailed tables.
    page.get_by_label("Program", exact=True).select_option("northside")
    page.get_by_role("button", name="Show").click()
    page.get_by_text("The figures of Northside Hospital Peer Support.").wait_for()
    assert "15" in page.get_by_test_id("report-table").first.inner_text()
