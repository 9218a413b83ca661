"""The program settings form: one field per setting, one number per matching weight."""

from django import forms

from peersupport.program.models import WEIGHT_LABELS, ProgramSettings
from peersupport.program.services import ProgramSettingsInput
from peersupport.roster.models import RoleType

WEIGHT_PREFIX = "weight_"


def _hours(label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, help_text=help_text,
                              widget=forms.NumberInput(attrs={"min": 1, "max": 24 * 14}))


class ProgramSettingsForm(forms.Form):
    served_role_types = forms.MultipleChoiceField(
        label="Whom the program serves", choices=RoleType.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Referrals can name only people in these professional roles.",
    )
    assignment_due_hours = _hours("Hours to assign a supporter", "From referral to assignment.")
    first_outreach_due_hours = _hours(
        "Hours to the first outreach", "From assignment to the supporter's first message."
    )
    exclude_same_department = forms.BooleanField(
        label="Never suggest a supporter from the peer's own department", required=False
    )
    default_case_limit = forms.IntegerField(
        label="Default case limit", help_text="Open cases a supporter holds at once, unless set for them.",
        widget=forms.NumberInput(attrs={"min": 1, "max": 20}),
    )
    small_count_threshold = forms.IntegerField(
        label="Smallest count shown in reports", help_text="Smaller counts are hidden so no one can be recognised.",
        widget=forms.NumberInput(attrs={"min": 5, "max": 100}),
    )
    retention_days = forms.IntegerField(
        label="Days to keep a closed case's details", help_text="After this, only anonymous counts remain.",
        widget=forms.NumberInput(attrs={"min": 30, "max": 3650}),
    )

    def __init__(self, *args, program: ProgramSettings, read_only: bool = False, **kwargs) -> None:
        weights = program.effective_weights()
        initial = {
            "served_role_types": program.served_role_types,
            "assignment_due_hours": program.assignment_due_hours,
            "first_outreach_due_hours": program.first_outreach_due_hours,
            "exclude_same_department": program.exclude_same_department,
            "default_case_limit": program.default_case_limit,
            "small_count_threshold": program.small_count_threshold,
            "retention_days": program.retention_days,
            **{WEIGHT_PREFIX + key: weights[key] for key in WEIGHT_LABELS},
        }
        super().__init__(*args, initial=initial, **kwargs)
        for key, label in WEIGHT_LABELS.items():
            self.fields[WEIGHT_PREFIX + key] = forms.FloatField(
                label=label, widget=forms.NumberInput(attrs={"min": 0, "max": 10, "step": "0.5"})
            )
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[WEIGHT_PREFIX + key] for key in WEIGHT_LABELS]

    def setting_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.base_fields]

    def to_input(self) -> ProgramSettingsInput:
        data = self.cleaned_data
        return ProgramSettingsInput(
            served_role_types=data["served_role_types"],
            assignment_due_hours=data["assignment_due_hours"],
            first_outreach_due_hours=data["first_outreach_due_hours"],
            exclude_same_department=data["exclude_same_department"],
            default_case_limit=data["default_case_limit"],
            small_count_threshold=data["small_count_threshold"],
            retention_days=data["retention_days"],
            weights={key: data[WEIGHT_PREFIX + key] for key in WEIGHT_LABELS},
        )
