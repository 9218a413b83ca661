from dataclasses import dataclass, field

from django.db import transaction

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import InvalidInput
from peersupport.program.models import DEFAULT_WEIGHTS, ProgramSettings
from peersupport.roster.models import RoleType


@dataclass(frozen=True)
class ProgramSettingsInput:
    served_role_types: list[str]
    assignment_due_hours: int
    first_outreach_due_hours: int
    exclude_same_department: bool
    default_case_limit: int
    small_count_threshold: int
    retention_days: int
    weights: dict[str, float] = field(default_factory=dict)


def program_settings_update(*, actor: User, data: ProgramSettingsInput) -> ProgramSettings:
    if not data.served_role_types:
        raise InvalidInput("The program must serve at least one professional role.")
    unknown = [r for r in data.served_role_types if r not in RoleType.values]
    if unknown:
        raise InvalidInput(f"Unknown professional role {unknown[0]!r}.")
    checks = (
        ("assignment_due_hours", data.assignment_due_hours, 1, 24 * 14),
        ("first_outreach_due_hours", data.first_outreach_due_hours, 1, 24 * 14),
        ("default_case_limit", data.default_case_limit, 1, 20),
        ("small_count_threshold", data.small_count_threshold, 5, 100),
        ("retention_days", data.retention_days, 30, 3650),
    )
    for name, value, low, high in checks:
        if not low <= value <= high:
            raise InvalidInput(f"{name.replace('_', ' ')} must be between {low} and {high}.")
    bad_weights = [k for k in data.weights if k not in DEFAULT_WEIGHTS]
    if bad_weights:
        raise InvalidInput(f"Unknown matching weight {bad_weights[0]!r}.")
    if any(not 0 <= float(v) <= 10 for v in data.weights.values()):
        raise InvalidInput("Each matching weight is between 0 and 10.")
    with transaction.atomic():
        program = ProgramSettings.objects.select_for_update().get_or_create(pk=1)[0]
        program.served_role_types = list(dict.fromkeys(data.served_role_types))
        program.assignment_due_hours = data.assignment_due_hours
        program.first_outreach_due_hours = data.first_outreach_due_hours
        program.exclude_same_department = data.exclude_same_department
        program.default_case_limit = data.default_case_limit
        program.small_count_threshold = data.small_count_threshold
        program.retention_days = data.retention_days
        program.weights = {**program.effective_weights(), **{k: float(v) for k, v in data.weights.items()}}
        program.save()
        audit_record(actor=actor, action="program.settings_update", obj=program)
    return program
