import pytest
from django.urls import reverse
from django.utils.html import escape

from peersupport.program.models import WEIGHT_LABELS, ProgramSettings


def settings_form(**overrides):
    data = {
        "served_role_types": ["physician", "nurse"],
        "assignment_due_hours": "6",
        "first_outreach_due_hours": "24",
        "exclude_same_department": "on",
        "default_case_limit": "3",
        "small_count_threshold": "11",
        "retention_days": "365",
        **{f"weight_{key}": "2" for key in WEIGHT_LABELS},
    }
    data.update(overrides)
    return data


def test_director_changes_the_settings(client, director):
    client.force_login(director)
    page = client.get(reverse("program-settings")).content.decode()
    assert all(escape(label) in page for label in WEIGHT_LABELS.values())
    response = client.post(reverse("program-settings"), settings_form(weight_specialty="7.5"))
    assert response.status_code == 302
    program = ProgramSettings.current()
    assert program.served_role_types == ["physician", "nurse"] and program.assignment_due_hours == 6
    assert program.default_case_limit == 3 and program.weights["specialty"] == 7.5
    assert "The program settings are saved" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"served_role_types": []}, "at least one professional role"),
        ({"assignment_due_hours": "0"}, "assignment due hours must be between 1 and 336"),
        ({"retention_days": "5"}, "retention days must be between 30 and 3650"),
        ({"weight_load": "11"}, "between 0 and 10"),
        ({"default_case_limit": "many"}, "Enter a whole number"),
    ],
)
def test_bad_settings_explain_themselves_and_change_nothing(client, director, overrides, message):
    before = ProgramSettings.current()
    client.force_login(director)
    response = client.post(reverse("program-settings"), settings_form(**overrides))
    assert response.status_code == 422 and message in response.content.decode()
    after = ProgramSettings.objects.get()
    assert (after.assignment_due_hours, after.served_role_types, after.weights) == (
        before.assignment_due_hours, before.served_role_types, before.weights)


def test_administrator_reads_but_cannot_change(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("program-settings")).content.decode()
    assert 'data-testid="read-only"' in page and 'data-testid="save-settings"' not in page
    assert "disabled" in page
    response = client.post(reverse("program-settings"), settings_form(assignment_due_hours="9"))
    assert response.status_code == 403
    assert ProgramSettings.current().assignment_due_hours == 4
