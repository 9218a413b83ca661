import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from peersupport.program.models import WEIGHT_LABELS, ProgramSettings
from peersupport.testing.factories import program_settings


def settings_form(**overrides):
    data = {
        "served_role_types": ["physician", "nurse"],
        "assignment_due_hours": "6",
        "first_outreach_due_hours": "24",
        "exclude_same_department": "on",
        "default_case_limit": "3",
        "small_count_threshold": "11",
        "retention_days": "365",
        "next_attempt_due_hours": "36",
        "first_conversation_due_hours": "48",
        "follow_up_due_days": "10",
        "close_due_days": "5",
        "escalate_after_hours": "8",
        "unreachable_after_attempts": "4",
        "unreachable_after_days": "6",
        "administrators_see_cases": "on",
        "break_glass_hours": "2",
        **{f"weight_{key}": "2" for key in WEIGHT_LABELS},
    }
    data.update(overrides)
    return data


def test_director_changes_the_settings(client, director):
    client.force_login(director)
    page = client.get(reverse("program-settings")).content.decode()
    assert all(escape(str(label)) in page for label in WEIGHT_LABELS.values())
    response = client.post(reverse("program-settings"), settings_form(weight_specialty="7.5"))
    assert response.status_code == 302
    program = ProgramSettings.current()
    assert program.served_role_types == ["physician", "nurse"] and program.assignment_due_hours == 6
    assert program.default_case_limit == 3 and program.weights["specialty"] == 7.5
    assert (program.next_attempt_due_hours, program.first_conversation_due_hours, program.follow_up_due_days,
            program.close_due_days, program.escalate_after_hours) == (36, 48, 10, 5, 8)
    assert (program.unreachable_after_attempts, program.unreachable_after_days) == (4, 6)
    assert "The program settings are saved" in client.get(response["Location"]).content.decode()


UNREACHABLE_TRIES = "Unanswered tries before a peer is unreachable"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"served_role_types": []}, "at least one professional role"),
        ({"assignment_due_hours": "0"}, "“Hours to assign a supporter” must be between 1 and 336"),
        ({"retention_days": "5"}, "“Days to keep a closed case's details” must be between 30 and 3650"),
        ({"weight_load": "11"}, "between 0 and 10"),
        ({"default_case_limit": "many"}, "Enter a whole number"),
        ({"unreachable_after_attempts": "0"}, f"“{UNREACHABLE_TRIES}” must be between 1 and 10"),
        ({"unreachable_after_attempts": "11"}, f"“{UNREACHABLE_TRIES}” must be between 1 and 10"),
        ({"unreachable_after_days": "61"}, "“Days those tries are spread over” must be between 1 and 60"),
        ({"escalate_after_hours": "0"}, "“Hours late before the director is told” must be between 1 and 336"),
        ({"next_attempt_due_hours": "400"}, "“Hours to the next try” must be between 1 and 336"),
        ({"first_conversation_due_hours": "0"}, "“Hours to the conversation” must be between 1 and 336"),
        ({"follow_up_due_days": "91"}, "“Days to a planned follow-up” must be between 1 and 90"),
        ({"close_due_days": ""}, "This field is required"),
    ],
)
def test_bad_settings_explain_themselves_and_change_nothing(client, director, overrides, message):
    before = ProgramSettings.current()
    client.force_login(director)
    response = client.post(reverse("program-settings"), settings_form(**overrides))
    assert response.status_code == 422 and escape(message) in response.content.decode()
    after = ProgramSettings.objects.get()
    assert (after.assignment_due_hours, after.served_role_types, after.weights) == (
        before.assignment_due_hours, before.served_role_types, before.weights)
    assert (after.unreachable_after_attempts, after.escalate_after_hours, after.close_due_days) == (
        before.unreachable_after_attempts, before.escalate_after_hours, before.close_due_days)


def test_the_page_shows_each_due_time_with_its_current_value(client, director):
    program_settings(**{"escalate_after_hours": 7})
    client.force_login(director)
    response = client.get(reverse("program-settings"))
    page = response.content.decode()
    assert response.context["form"]["escalate_after_hours"].value() == 7
    for name in ("next_attempt_due_hours", "first_conversation_due_hours", "follow_up_due_days",
                 "close_due_days", "unreachable_after_attempts", "unreachable_after_days"):
        assert f'name="{name}"' in page
    assert 'max="10"' in page and 'max="60"' in page


def test_administrator_reads_but_cannot_change(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("program-settings")).content.decode()
    assert 'data-testid="read-only"' in page and 'data-testid="save-settings"' not in page
    assert "disabled" in page
    response = client.post(reverse("program-settings"), settings_form(assignment_due_hours="9"))
    assert response.status_code == 403
    assert ProgramSettings.current().assignment_due_hours == 4


def test_the_one_peer_per_event_rule_is_on_by_default_and_the_director_turns_it_off(client, director):
    assert ProgramSettings.current().one_peer_per_supporter_per_event is True
    client.force_login(director)
    page = client.get(reverse("program-settings")).content.decode()
    assert "Give a supporter at most one peer of the same event" in page
    assert re.search(r'<input type="checkbox" name="one_peer_per_supporter_per_event"[^>]* checked>', page)
    client.post(reverse("program-settings"), settings_form())
    assert ProgramSettings.current().one_peer_per_supporter_per_event is False
    client.post(reverse("program-settings"), settings_form(one_peer_per_supporter_per_event="on"))
    assert ProgramSettings.current().one_peer_per_supporter_per_event is True
