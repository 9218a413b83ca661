"""A health system's reports: each program reads its own, the system leader every program's side
by side and combined, and the figures of all of them are suppressed as one."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.access import manageable_roles
from peersupport.accounts.models import Role, User
from peersupport.cases.models import Case, CaseState
from peersupport.program.models import ProgramSettings
from peersupport.reports.tests.helpers import add_cases
from peersupport.testing.factories import make_person, make_supporter, make_user

APRIL = "from=2025-04-01&to=2025-04-30"


@pytest.fixture
def system(second_program):
    """Main: 20 accepted after a patient death, 3 declined after a medical error (hidden). Northside:
    12 and 12. Combined: 32 and 15, nothing small, yet 15 - 12 would give the 3 away."""
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=20)
    add_cases(month=date(2025, 4, 1), category="medical_error", state=CaseState.DECLINED, count=3)
    add_cases(month=date(2025, 4, 1), category="patient_death", state=CaseState.ACCEPTED, count=12, site="Northside")
    add_cases(month=date(2025, 4, 1), category="medical_error", state=CaseState.DECLINED, count=12, site="Northside")
    return second_program


@pytest.fixture
def system_leader(db):
    return make_user(Role.SYSTEM_LEADER)


@pytest.fixture
def northside_leader(system):
    return make_user(Role.LEADER, program=system)


def _rows(body: dict) -> dict[str, list]:
    return {row["label"]: row["values"] for row in body["rows"]}


def test_each_program_s_leader_reads_its_own_program_s_figures_through_the_api(call, leader, northside_leader):
    main = call(leader, "GET", f"/reports/outcomes_by_category?{APRIL}").json()
    northside = call(northside_leader, "GET", f"/reports/outcomes_by_category?{APRIL}").json()
    assert (main["program"], northside["program"]) == ("main", "northside")
    # Each its own clinicians offered support: 23 and 24, never the 47 of both.
    assert (main["total"]["values"][-1], northside["total"]["values"][-1]) == (23, 24)


@pytest.mark.parametrize("program", ["northside", "all"])
def test_a_program_s_leader_gets_403_for_another_program_or_the_combined_figures(
        call, client, leader, system, program):
    assert call(leader, "GET", f"/reports/outcomes_by_category?{APRIL}&program={program}").status_code == 403
    client.force_login(leader)
    assert client.get(reverse("reports"), {"period": "2025", "program": program}).status_code == 403
    export = client.get(reverse("reports-export", args=["outcomes_by_category", "csv"]),
                        {"period": "2025-04", "program": program})
    assert export.status_code == 403


def test_a_program_s_page_and_export_hold_none_of_another_program_s_figures(client, northside_leader):
    client.force_login(northside_leader)
    page = client.get(reverse("reports"), {"period": "2025-04"}).content.decode()
    assert "The figures of Northside Hospital Peer Support." in page
    assert 'data-testid="side-by-side"' not in page
    export = client.get(reverse("reports-export", args=["outcomes_by_category", "csv"]), {"period": "2025-04"})
    lines = list(csv.reader(io.StringIO(export.content.decode())))
    total = next(line for line in lines if line and line[0] == "Total")
    assert total[-1] == "24"  # Northside's, not the 23 of Main nor the 47 of both


def test_the_system_leader_sees_every_program_side_by_side_and_combined(client, system_leader, system):
    client.force_login(system_leader)
    response = client.get(reverse("reports"), {"period": "2025-04"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Every program of the health system, combined." in page
    # The four families' tables, and the team's.
    assert page.count('data-testid="side-by-side-table"') == 5
    for slug in ("main", "northside", "all"):
        assert f'data-program="{slug}"' in page
    side = response.context["side_by_side"][0]
    totals = {slug: values for slug, _, values in side.rows}
    assert totals["main"][-1] == 23 and totals["northside"][-1] == 24 and totals["all"][-1] == 47
    # The system leader has no deck (it is one program's).
    assert 'data-testid="deck-link"' not in page
    assert client.get(reverse("reports-deck")).status_code == 403
    assert client.get(reverse("reports-deck-download")).status_code == 403


def test_the_system_leader_picks_one_program_s_detailed_tables(client, system_leader, system):
    client.force_login(system_leader)
    page = client.get(reverse("reports"), {"period": "2025-04", "program": "northside"}).content.decode()
    assert "The figures of Northside Hospital Peer Support." in page
    assert "?period=2025-04&amp;program=northside" in page  # the exports of the same program
    assert client.get(reverse("reports"), {"program": "nowhere"}).status_code == 404


def test_nothing_hidden_in_one_program_is_recovered_from_the_combined_figures(call, system_leader, system):
    def declined(program: str) -> int | str:
        body = call(system_leader, "GET", f"/reports/outcomes_by_category?{APRIL}&program={program}").json()
        return _rows(body)["Medical error"][1]

    main, northside, combined = declined("main"), declined("northside"), declined("all")
    assert main == "<11"
    # Combined minus Northside would be Main's 3: one of the two must be hidden.
    assert not (isinstance(combined, int) and isinstance(northside, int))


def test_the_combined_figures_follow_the_largest_threshold_and_each_program_its_own(call, system_leader, system):
    settings = ProgramSettings.for_program(system)
    settings.small_count_threshold = 5
    settings.save()
    combined = call(system_leader, "GET", f"/reports/outcomes_by_category?{APRIL}").json()
    northside = call(system_leader, "GET", f"/reports/outcomes_by_category?{APRIL}&program=northside").json()
    assert (combined["program"], combined["threshold"]) == ("all", 11)
    assert (northside["program"], northside["threshold"]) == ("northside", 5)


def test_an_unknown_program_is_404_in_the_api(call, system_leader, system):
    assert call(system_leader, "GET", f"/reports/outcomes_by_category?{APRIL}&program=nowhere").status_code == 404


def test_the_system_leader_has_no_case_access(call, client, system_leader, system):
    case = Case.objects.order_by("pk").first()
    assert case is not None
    assert call(system_leader, "GET", f"/cases/{case.pk}").status_code == 403
    client.force_login(system_leader)
    assert client.get(reverse("case", args=[case.pk])).status_code == 403
    assert client.get(reverse("home")).url == reverse("reports")


def test_a_system_leader_is_made_with_add_user_and_never_from_a_program_s_logins_page(db, director):
    call_command("add_user", "system@example.org", "--role", "system_leader")
    assert User.objects.get(email="system@example.org").role == Role.SYSTEM_LEADER
    assert Role.SYSTEM_LEADER not in dict(manageable_roles(director))


def test_the_system_leader_sees_each_program_s_team_beside_the_others(client, system_leader, system):
    for _ in range(3):
        make_supporter(make_person())
    for _ in range(2):
        make_supporter(make_person(site="Northside"))
    client.force_login(system_leader)
    response = client.get(reverse("reports"), {"period": str(timezone.localdate().year)})
    team = response.context["side_by_side"][-1]
    supporters = {slug: values[0] for slug, _, values in team.rows}
    assert supporters == {"main": "3", "northside": "2", "all": "5"}


def test_a_program_s_team_table_counts_its_own_supporters_only(client, northside_leader):
    make_supporter(make_person())
    make_supporter(make_person(site="Northside"))
    make_supporter(make_person(site="Northside"))
    client.force_login(northside_leader)
    response = client.get(reverse("reports"), {"period": str(timezone.localdate().year)})
    assert response.context["measures"].team[0].current == "2"
    assert response.context["side_by_side"] == []
