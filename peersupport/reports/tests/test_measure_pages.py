"""The timing and team tables on the reports page, in the exports and in the API."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from peersupport.audit.models import AuditEntry
from peersupport.cases.models import Case, CaseState
from peersupport.reports.tests.helpers import add_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def timed(db):
    """April 2025: 12 patient deaths (assigned after 2 h 5 min, reached an hour later) and 3
    medical errors; April 2024: 11 patient deaths, assigned after 50 minutes."""
    cases = add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=12)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        minutes_to_assignment=125, minutes_to_first_outreach=185, peer_role="nurse", peer_department="ICU",
        peer_site="North")
    errors = add_cases(month=date(2025, 4, 1), category="medical_error", state=CaseState.ACCEPTED, count=3)
    Case.objects.filter(pk__in=[c.pk for c in errors]).update(minutes_to_assignment=20, minutes_to_first_outreach=40)
    earlier = add_cases(month=date(2024, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=11)
    Case.objects.filter(pk__in=[c.pk for c in earlier]).update(minutes_to_assignment=50, minutes_to_first_outreach=70)


def test_the_page_shows_the_timing_with_its_chart_and_targets_and_the_team(client, leader, timed):
    client.force_login(leader)
    page = client.get(reverse("reports"), {"period": "2025-04"}).content.decode()
    assert page.count('data-testid="timing-table"') == 1  # the page's "Group by": event category
    assert "within 4 hours of the case opening" in page and "within 24 hours of the assignment" in page
    assert "<td>2 h 5 min</td>" in page  # patient deaths' median
    assert '<title id="chart-title-timing">Time to assignment and first outreach, all cases, April 2025 beside ' \
           "March 2025</title>" in page
    assert "Medical error</th>\n        <td>&lt;11</td>" in page  # 3 cases
    assert page.count('data-testid="team-row"') == 6
    assert "Total, March 2025" in page
    by_site = client.get(reverse("reports"), {"period": "2025-04", "group": "site"}).content.decode()
    assert by_site.count('data-testid="timing-table"') == 1
    assert "Time to assignment and first outreach by site" in by_site


def test_a_timing_table_downloads_as_csv_and_excel_with_the_same_figures_audited(client, director, timed):
    client.force_login(director)
    response = client.get(reverse("reports-export", args=["timing_by_category", "csv"]), {"period": "2025-04"})
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert "A figure behind fewer than 11 cases shows as <11." in lines[0][0]
    rows = {line[0]: line[1:] for line in lines[2:]}
    assert rows["Patient death"][:3] == ["125", "125", "100"]
    assert rows["Medical error"] == ["<11"] * 6
    response = client.get(reverse("reports-export", args=["team", "xlsx"]), {"period": "2025-04"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=4, values_only=True)] == ["The team", "Total"]
    assert set(AuditEntry.objects.filter(action="export").values_list("object_id", flat=True)) == {
        "timing_by_category-2025-04", "team-2025-04"}


def test_the_api_lists_the_timing_and_team_tables_and_returns_them_in_the_same_shape(call, leader, timed):
    tables = {t["name"]: t for t in call(leader, "GET", "/reports").json()}
    assert tables["timing_by_role"]["columns"] == [
        "assignment_median_minutes", "assignment_p90_minutes", "assignment_within_target_percent",
        "outreach_median_minutes", "outreach_p90_minutes", "outreach_within_target_percent"]
    assert {"timing_by_category", "timing_by_department", "timing_by_site", "team"} <= set(tables)
    body = call(leader, "GET", "/reports/timing_by_role?from=2025-04-01&to=2025-04-30").json()
    assert body["threshold"] == 11
    rows = {row["label"]: row["values"] for row in body["rows"]}
    assert rows["Nurse"] == [125, 125, 100, 185, 185, 100]
    assert rows["Physician"] == ["<11"] * 6
    assert body["total"] == {"label": "Total", "values": [125, 125, 100, 185, 185, 100]}  # all 15
    team = call(leader, "GET", "/reports/team?from=2025-01-01&to=2025-12-31").json()
    assert team["columns"][0] == "supporters" and team["rows"][0]["label"] == "The team"


def test_supporters_may_not_read_the_timing(call, supporter_a):
    assert call(supporter_a, "GET", "/reports/timing_by_site?from=2025-01-01&to=2025-12-31").status_code == 403
