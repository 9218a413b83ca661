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


def test_the_list_names_every_table_by_category_role_department_and_site(call, director):
    names = [t["name"] for t in call(director, "GET", "/reports").json()]
    for family in ("outcomes", "reached", "encounters", "resources"):
        for group in ("role", "department", "site"):
            assert f"{family}_by_{group}" in names
    assert {f"timing_by_{group}" for group in ("category", "role", "department", "site")} | {"team"} <= set(names)
    assert len(names) == 16 + 5 and names[:4] == ["outcomes_by_category", "referrals_by_category",
                                              "encounters_by_category", "resources_by_category"]


def test_a_table_by_site_has_the_same_shape_and_total_as_by_category(call, leader):
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=12,
              site="North Campus")
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=14)
    by_site = call(leader, "GET", "/reports/outcomes_by_site?from=2025-04-01&to=2025-04-30").json()
    by_category = call(leader, "GET", "/reports/outcomes_by_category?from=2025-04-01&to=2025-04-30").json()
    assert set(by_site) == {"table", "program", "from", "to", "threshold", "columns", "rows", "total"}
    assert by_site["rows"] == [{"label": "Main Campus", "values": [14, 0, 0, 0, 14]},
                               {"label": "North Campus", "values": [12, 0, 0, 0, 12]}]
    assert by_site["total"] == by_category["total"] == {"label": "Total", "values": [26, 0, 0, 0, 26]}


@pytest.mark.parametrize("table", ["outcomes_by_category", "timing_by_site", "team"])
@pytest.mark.parametrize("period", ["9999-01-01&to=9999-12-31", "0001-01-01&to=0001-12-31",
                                    "1999-12-01&to=1999-12-31"])
def test_a_period_outside_the_years_reports_cover_is_refused_with_a_reason(call, leader, table, period):
    response = call(leader, "GET", f"/reports/{table}?from={period}")
    assert response.status_code == 422
    assert "Reports cover 2000 to" in response.text
