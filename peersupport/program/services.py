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
    unreachable_after_attempts: int
    unreachable_after_days: int
    next_attempt_due_hours: int
    first_conversation_due_hours: int
    follow_up_due_days: int
    close_due_days: int
    escalate_after_hours: int
    weights: dict[str, float] = field(default_factory=dict)
    one_peer_per_supporter_per_event: bool = True


# Each number setting with its bounds. Due times stay within a fortnight (or three months for
# days): a step that may wait longer is one nobody watches.
NUMBER_BOUNDS: dict[str, tuple[int, int]] = {
    "assignment_due_hours": (1, 24 * 14),
    "first_outreach_due_hours": (1, 24 * 14),
    "next_attempt_due_hours": (1, 24 * 14),
    "first_conversation_due_hours": (1, 24 * 14),
    "follow_up_due_days": (1, 90),
    "close_due_days": (1, 90),
    "escalate_after_hours": (1, 24 * 14),
    "unreachable_after_attempts": (1, 10),
    "unreachable_after_days": (1, 60),
    "default_case_limit": (1, 20),
    "small_count_threshold": (5, 100),
    "retention_days": (30, 3650),
}


def program_settings_update(*, actor: User, data: ProgramSettingsInput) -> ProgramSettings:
    if not data.served_role_types:
        raise InvalidInput("The program must serve at least one professional role.")
    unknown = [r for r in data.served_role_types if r not in RoleType.values]
    if unknown:
        raise InvalidInput(f"Unknown professional role {unknown[0]!r}.")
    for name, (low, high) in NUMBER_BOUNDS.items():
        if not low <= getattr(data, name) <= high:
            raise InvalidInput(f"{name.replace('_', ' ')} must be between {low} and {high}.")
    bad_weights = [k for k in data.weights if k not in DEFAULT_WEIGHTS]
    if bad_weights:
        raise InvalidInput(f"Unknown matching weight {bad_weights[0]!r}.")
    if any(not 0 <= float(v) <= 10 for v in data.weights.values()):
        raise InvalidInput("Each matching weight is between 0 and 10.")
    with transaction.atomic():
        program = ProgramSettings.objects.select_for_update().get_or_create(pk=1)[0]
        program.served_role_types = list(dict.fromkeys(data.served_role_types))
        for name in NUMBER_BOUNDS:
            setattr(program, name, getattr(data, name))
        program.exclude_same_department = data.exclude_same_department
        program.one_peer_per_supporter_per_event = data.one_peer_per_supporter_per_event
        program.weights = {**program.effective_weights(), **{k: float(v) for k, v in data.weights.items()}}
        program.save()
        audit_record(actor=actor, action="program.settings_update", obj=program)
    return program
