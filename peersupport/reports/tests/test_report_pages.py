"""The reports page and its exports, as leadership and the program's staff use them."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from peersupport.accounts.models import User
from peersupport.audit.models import AuditEntry
from peersupport.cases.models import CaseState
from peersupport.reports.tests.helpers import add_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(db):
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=14, minutes=30)
    add_cases(month=date(2025, 4, 1), category="medical_error", state=CaseState.DECLINED, count=2)
    add_cases(month=date(2024, 5, 1), category="patient_death", state=CaseState.ACCEPTED, count=12)


def test_the_leaders_home_is_the_reports_page(client, leader):
    client.force_login(leader)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("reports")


def test_the_page_shows_each_table_with_a_chart_and_its_text_alternative(client, leader, history):
    client.force_login(leader)
    response = client.get(reverse("reports"), {"period": "2025"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="report-section"') == 4
    # One chart per count table, the month-by-month trend, and the timing section's own.
    assert page.count('role="img"') == 6 and "<title id=\"chart-title-1\">" in page
    assert "Outcomes by event category: total, 2025 beside 2024" in page
    assert "&lt;11" in page  # the two declined
    assert ">2<" not in page
    assert "Total, 2024" in page


def test_a_period_that_is_not_offered_says_so_and_shows_the_default(client, director, history):
    client.force_login(director)
    response = client.get(reverse("reports"), {"period": "1999-13"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_csv_export_has_the_same_suppression_and_is_audited(client, leader, history):
    client.force_login(leader)
    response = client.get(reverse("reports-export", args=["outcomes_by_category", "csv"]), {"period": "2025-Q2"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="outcomes_by_category-2025-Q2.csv"'
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    rows = {line[0]: line[1:] for line in lines[2:]}
    assert rows["Medical error"][1] == "<11"
    entry = AuditEntry.objects.get(action="export")
    assert entry.object_id == "outcomes_by_category-2025-Q2"
    assert entry.detail["format"] == "csv"


def test_the_excel_export_holds_the_same_figures(client, director, history):
    client.force_login(director)
    response = client.get(reverse("reports-export", args=["outcomes_by_category", "xlsx"]), {"period": "2025-Q2"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: list(r[1:]) for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["Medical error"][1] == "<11"
    assert AuditEntry.objects.filter(action="export", detail__format="xlsx").count() == 1


def test_an_export_of_a_bad_period_is_a_kind_400(client, leader):
    client.force_login(leader)
    response = client.get(reverse("reports-export", args=["outcomes_by_category", "csv"]), {"period": "2025-Q7"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="export").exists()


def test_supporters_may_not_see_reports(client, supporter_a):
    client.force_login(User.objects.get(person=supporter_a.person))
    assert client.get(reverse("reports")).status_code == 403


def test_the_month_by_month_chart_shows_the_referrals_tables_monthly_totals_with_the_same_suppression(
        client, leader, history):
    from peersupport.reports.periods import parse_slug
    from peersupport.reports.tables import TABLES, table_result

    client.force_login(leader)
    page = client.get(reverse("reports"), {"period": "2025-Q2"}).content.decode()
    assert "Referrals and clinicians reached, month by month, 2025" in page
    trend = page.split('data-testid="trend-table"')[1].split("</table>")[0]
    assert trend.count("<tr>") == 12 + 1  # every month of 2025, and the heading
    april = table_result(TABLES["referrals_by_category"], parse_slug("2025-04")).total.values
    assert "<th scope=\"row\">April 2025</th><td>16</td>" in trend and april[0] == 16
    assert "<th scope=\"row\">March 2025</th><td>0</td><td>0</td>" in trend


def test_the_page_groups_every_table_by_role_department_or_site(client, director, history):
    client.force_login(director)
    response = client.get(reverse("reports"), {"period": "2025", "group": "department"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="report-section"') == 4
    for title in ("Outcomes by department", "Clinicians reached by department",
                  "Support conversations and minutes by department", "Resource connections by department"):
        assert title in page
    assert 'href="/reports/export/outcomes_by_department.csv?period=2025"' in page
    assert '<option value="department" selected>Department</option>' in page
    assert "Outcomes by event category" not in page


def test_a_group_that_is_not_offered_says_so_and_shows_the_tables_by_event_category(client, leader, history):
    client.force_login(leader)
    response = client.get(reverse("reports"), {"period": "2025", "group": "peer_name"})
    page = response.content.decode()
    assert response.status_code == 200 and "Select a valid choice" in page
    assert "Outcomes by event category" in page and "Total, 2024" in page


def test_every_table_by_role_department_and_site_exports_with_its_suppression(client, leader, history):
    client.force_login(leader)
    response = client.get(reverse("reports-export", args=["outcomes_by_role", "csv"]), {"period": "2025-Q2"})
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[1][0] == "Outcomes by professional role"
    rows = {line[0]: line[1:] for line in lines[2:]}
    assert rows["Physician"][1] == "<11"  # the two declined
    assert AuditEntry.objects.get(action="export").object_id == "outcomes_by_role-2025-Q2"


@pytest.mark.parametrize("period", ["9999", "0001", "1999-Q4", "10000"])
def test_an_export_for_a_year_outside_the_reports_reach_is_a_clear_400(client, leader, period):
    client.force_login(leader)
    response = client.get(reverse("reports-export", args=["outcomes_by_category", "csv"]), {"period": period})
    assert response.status_code == 400
    assert "Reports cover 2000 to" in response.content.decode() or "Choose a month" in response.content.decode()
