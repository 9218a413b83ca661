"""The report tables' figures, from the database, and that a retention purge changes none."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from peersupport.cases.models import Case, CaseState
from peersupport.cases.retention import retention_purge
from peersupport.reports.layout import _year_hidden
from peersupport.reports.models import SuppressionResult
from peersupport.reports.periods import Kind, Period
from peersupport.reports.tables import ROLES, TABLES, table_result
from peersupport.reports.tests.helpers import add_cases

pytestmark = pytest.mark.django_db
APRIL = Period(date(2025, 4, 1), Kind.MONTH)


def values(name: str, period: Period, threshold: int = 1) -> dict[str, list[int | str]]:
    result = table_result(TABLES[name], period, threshold=threshold)
    return {row.label: row.values for row in [*result.rows, result.total]}


def test_a_closed_case_counts_by_the_peers_last_answer_and_open_cases_as_open():
    add_cases(month=APRIL.start, category="medical_error", state=CaseState.CLOSED, count=2, answer="accepted")
    add_cases(month=APRIL.start, category="medical_error", state=CaseState.CLOSED, count=1, answer="declined")
    add_cases(month=APRIL.start, category="medical_error", state=CaseState.CLOSED, count=1)
    add_cases(month=APRIL.start, category="medical_error", state=CaseState.ASSIGNED, count=4)
    table = values("outcomes_by_category", APRIL)
    assert table["Medical error"] == [2, 1, 1, 4, 8]
    assert table["Total"] == [2, 1, 1, 4, 8]
    assert table["Litigation"] == [0, 0, 0, 0, 0]


def test_a_quarter_and_a_year_add_up_their_months():
    add_cases(month=date(2025, 4, 1), category="litigation", state=CaseState.ACCEPTED, count=2)
    add_cases(month=date(2025, 6, 1), category="litigation", state=CaseState.ACCEPTED, count=3)
    add_cases(month=date(2025, 11, 1), category="litigation", state=CaseState.ACCEPTED, count=5)
    assert values("outcomes_by_category", Period(date(2025, 4, 1), Kind.QUARTER))["Litigation"][0] == 5
    assert values("outcomes_by_category", Period(date(2025, 1, 1), Kind.YEAR))["Litigation"][0] == 10


def test_encounter_minutes_are_hidden_wherever_their_conversations_are():
    add_cases(month=APRIL.start, category="patient_death", state=CaseState.ACCEPTED, count=2, minutes=45)
    add_cases(month=APRIL.start, category="medical_error", state=CaseState.ACCEPTED, count=14, minutes=30)
    shown = values("encounters_by_category", APRIL, threshold=1)
    assert shown["Patient death"] == [2, 90]
    hidden = values("encounters_by_category", APRIL, threshold=11)
    assert hidden["Patient death"] == ["<11", "<11"]
    assert "<11" in hidden["Medical error"] or "<11" in hidden["Total"]


def test_every_table_reads_the_same_totals_after_a_retention_purge(settings):
    long_ago = (timezone.now() - timedelta(days=5 * 365)).date().replace(day=1)
    add_cases(month=long_ago, category="patient_death", state=CaseState.CLOSED, count=13,
              answer="accepted", minutes=40, role="nurse", department="Critical Care", site="North Campus")
    add_cases(month=long_ago, category="medical_error", state=CaseState.CLOSED, count=4, answer="declined")
    period = Period(long_ago.replace(month=1), Kind.YEAR)
    before = {(name, t): values(name, period, threshold=t) for name in TABLES for t in (1, 11)}
    assert before[("outcomes_by_department", 1)]["Critical Care"] == [13, 0, 0, 0, 13]
    assert before[("encounters_by_site", 1)]["North Campus"] == [13, 520]
    assert before[("reached_by_role", 11)]["Nurse"] == [0]  # no outreach recorded by the helper
    purged = retention_purge(now=timezone.now())
    assert purged.cases == 17
    assert not Case.objects.filter(peer__isnull=False).exists()
    assert {(name, t): values(name, period, threshold=t) for name in TABLES for t in (1, 11)} == before


def test_a_worked_out_year_is_kept_and_read_back_the_same():
    add_cases(month=APRIL.start, category="patient_death", state=CaseState.ACCEPTED, count=14)
    add_cases(month=APRIL.start, category="medical_error", state=CaseState.DECLINED, count=2)
    first = values("outcomes_by_category", APRIL, threshold=11)
    assert SuppressionResult.objects.count() == 1
    _year_hidden.cache_clear()
    assert values("outcomes_by_category", APRIL, threshold=11) == first
    assert SuppressionResult.objects.count() == 1


def test_the_tables_by_role_department_and_site_count_the_case_as_it_was_kept():
    add_cases(month=APRIL.start, category="patient_death", state=CaseState.DECLINED, count=2, role="nurse",
              department="Surgery", site="North Campus")
    add_cases(month=APRIL.start, category="medical_error", state=CaseState.ACCEPTED, count=3, role="resident",
              department="Emergency Medicine", site="")
    moved = add_cases(month=APRIL.start, category="medical_error", state=CaseState.ACCEPTED, count=1,
                      role="app", department="")[0]
    # A roster change afterwards moves no past figure.
    assert moved.peer is not None
    moved.peer.department, moved.peer.role_type = "Surgery", "physician"
    moved.peer.save()
    by_role = values("outcomes_by_role", APRIL)
    assert list(by_role) == [label for _, label in ROLES] + ["Total"]
    assert by_role["Nurse"] == [0, 2, 0, 0, 2] and by_role["Resident"] == [3, 0, 0, 0, 3]
    assert by_role["Advanced practice provider"] == [1, 0, 0, 0, 1] and by_role["Physician"] == [0] * 5
    by_department = values("outcomes_by_department", APRIL)
    assert list(by_department) == ["Emergency Medicine", "Surgery", "Not recorded", "Total"]
    assert by_department["Surgery"] == [0, 2, 0, 0, 2] and by_department["Not recorded"] == [1, 0, 0, 0, 1]
    assert list(values("outcomes_by_site", APRIL)) == ["Main Campus", "North Campus", "Not recorded", "Total"]
    # Every table of the family has the same totals.
    totals = {name: values(name, APRIL)["Total"] for name in TABLES if name.startswith("outcomes_by_")}
    assert len(set(map(tuple, totals.values()))) == 1 and len(totals) == 4


def test_referrals_are_by_event_category_only_and_the_clinicians_reached_by_every_dimension():
    names = {name for name in TABLES if TABLES[name].family == "referrals"}
    assert names == {"referrals_by_category", "reached_by_role", "reached_by_department", "reached_by_site"}
    assert all([key for key, _ in TABLES[name].columns] == ["reached"] for name in names - {"referrals_by_category"})


def test_tables_of_a_family_are_suppressed_together():
    # By category, the 3 declined patient-death clinicians are hidden; by role, every declined
    # clinician is a nurse, so the nurses' declined count would show it: hidden there too.
    add_cases(month=APRIL.start, category="patient_death", state=CaseState.DECLINED, count=3, role="nurse")
    add_cases(month=APRIL.start, category="medical_error", state=CaseState.ACCEPTED, count=20, role="nurse")
    add_cases(month=APRIL.start, category="medical_error", state=CaseState.ACCEPTED, count=15)
    by_category, by_role = values("outcomes_by_category", APRIL, 11), values("outcomes_by_role", APRIL, 11)
    assert by_category["Patient death"][1] == "<11"
    assert by_role["Nurse"][1] == "<11" and by_role["Total"][1] == by_category["Total"][1] == "<11"
    assert SuppressionResult.objects.count() == 1  # one year of one family, for both tables
