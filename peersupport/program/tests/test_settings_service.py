"""The settings service itself, as the API or a script would call it."""

import dataclasses
import re

import pytest

from peersupport.audit.models import AuditEntry
from peersupport.lib.errors import InvalidInput
from peersupport.program.models import ProgramSettings
from peersupport.program.services import NUMBER_BOUNDS, SETTING_LABELS, ProgramSettingsInput, program_settings_update

VALID = ProgramSettingsInput(
    served_role_types=["physician"], assignment_due_hours=4, first_outreach_due_hours=24,
    exclude_same_department=True, default_case_limit=2, small_count_threshold=11, retention_days=365,
    unreachable_after_attempts=3, unreachable_after_days=5, next_attempt_due_hours=48,
    first_conversation_due_hours=72, follow_up_due_days=14, close_due_days=7, escalate_after_hours=4,
)


@pytest.mark.parametrize("name", sorted(NUMBER_BOUNDS))
def test_each_number_is_kept_within_its_bounds(director, name):
    low, high = NUMBER_BOUNDS[name]
    for value in (low - 1, high + 1):
        # The refusal names the number as the settings page labels it.
        with pytest.raises(InvalidInput, match=re.escape(f"“{SETTING_LABELS[name]}” must be between {low} and {high}")):
            program_settings_update(actor=director, data=dataclasses.replace(VALID, **{name: value}))
    for value in (low, high):
        assert getattr(program_settings_update(
            actor=director, data=dataclasses.replace(VALID, **{name: value})), name) == value


def test_an_update_is_audited(director):
    program_settings_update(actor=director, data=dataclasses.replace(VALID, unreachable_after_days=9))
    assert ProgramSettings.current().unreachable_after_days == 9
    assert AuditEntry.objects.filter(action="program.settings_update", actor=director).count() == 1
