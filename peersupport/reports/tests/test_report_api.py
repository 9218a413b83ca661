"""GET /api/v1/reports and /api/v1/reports/{table}: the same tables, suppressed, as JSON."""

from datetime import date

import pytest

from peersupport.cases.models import CaseState
from peersupport.reports.tests.helpers import add_cases

pytestmark = pytest.mark.django_db


def test_the_list_names_outcomes_by_category_and_its_columns(call, leader):
    response = call(leader, "GET", "/reports")
    assert response.status_code == 200
    tables = {t["name"]: t for t in response.json()}
    assert tables["outcomes_by_category"]["columns"] == ["accepted", "declined", "unreachable", "open", "total"]


def test_outcomes_by_category_hides_small_counts_as_the_threshold_string(call, director):
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=12)
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.DECLINED, count=3)
    add_cases(month=date(2025, 5, 1), category="medical_error", state=CaseState.CLOSED, count=20,
              answer="accepted")
    response = call(director, "GET", "/reports/outcomes_by_category?from=2025-04-01&to=2025-06-30")
    assert response.status_code == 200
    body = response.json()
    assert body["table"] == "outcomes_by_category"
    assert (body["from"], body["to"], body["threshold"]) == ("2025-04-01", "2025-06-30", 11)
    rows = {row["label"]: row["values"] for row in body["rows"]}
    assert rows["Patient death"][1] == "<11"  # the 3 declined
    assert 3 not in rows["Patient death"] and 12 not in rows["Patient death"]  # 15 - 12 would give it
    assert body["total"]["label"] == "Total"
    assert all(isinstance(v, int) or v == "<11" for row in body["rows"] for v in row["values"])


@pytest.mark.parametrize("query", ["from=2025-04-01&to=2025-05-15", "from=2025-04-02&to=2025-04-30",
                                   "from=2025-02-01&to=2025-04-30", "from=2025-04-01"])
def test_a_range_that_is_not_one_month_quarter_or_year_is_422_with_an_example(call, director, query):
    response = call(director, "GET", f"/reports/outcomes_by_category?{query}")
    assert response.status_code == 422
    if "to=" in query:
        assert "for example from=2025-04-01&to=2025-06-30" in response.json()["detail"]


def test_an_unknown_table_is_404(call, director):
    assert call(director, "GET", "/reports/names_of_peers?from=2025-01-01&to=2025-12-31").status_code == 404


def test_supporters_and_referrers_may_not_read_reports(call, supporter_a, referrer):
    assert call(supporter_a, "GET", "/reports").status_code == 403
    assert call(referrer, "GET", "/reports/outcomes_by_category?from=2025-01-01&to=2025-12-31").status_code == 403
