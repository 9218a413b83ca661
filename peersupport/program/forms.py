"""The program settings form: one field per setting, one number per matching weight."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.program.models import WEIGHT_LABELS, ProgramSettings
from peersupport.program.services import NUMBER_BOUNDS, SETTING_LABELS, ProgramSettingsInput
from peersupport.referrals.models import Category
from peersupport.roster.models import RoleType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

WEIGHT_PREFIX = "weight_"


def _number(name: str, help_text: "StrOrPromise") -> forms.IntegerField:
    low, high = NUMBER_BOUNDS[name]
    return forms.IntegerField(label=SETTING_LABELS[name], help_text=help_text,
                              widget=forms.NumberInput(attrs={"min": low, "max": high}))


# The due time of each step and when a late one is escalated, shown together on the page.
TIMING_FIELDS = (
    "assignment_due_hours",
    "first_outreach_due_hours",
    "next_attempt_due_hours",
    "first_conversation_due_hours",
    "follow_up_due_days",
    "close_due_days",
    "escalate_after_hours",
    "unreachable_after_attempts",
    "unreachable_after_days",
)
# Who sees cases, shown on the page under their own heading.
ACCESS_FIELDS = ("administrators_see_cases", "break_glass_hours")
# Cross-program matching, under its own heading.
OUTSIDE_FIELDS = ("outside_supporter_categories",)


class ProgramSettingsForm(forms.Form):
    served_role_types = forms.MultipleChoiceField(
        label=_("Whom the program serves"), choices=RoleType.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Referrals can name only people in these professional roles."),
    )
    assignment_due_hours = _number(
        "assignment_due_hours", _("From referral to assignment."),
    )
    first_outreach_due_hours = _number(
        "first_outreach_due_hours", _("From assignment to the supporter's first message."),
    )
    next_attempt_due_hours = _number(
        "next_attempt_due_hours", _("After an outreach with no answer yet, until the supporter tries again."),
    )
    first_conversation_due_hours = _number(
        "first_conversation_due_hours", _("From the peer accepting to the first conversation."),
    )
    follow_up_due_days = _number(
        "follow_up_due_days", _("From a conversation that planned one."),
    )
    close_due_days = _number(
        "close_due_days", _("From the last conversation, a decline or an unreachable peer, until the case is closed."),
    )
    escalate_after_hours = _number(
        "escalate_after_hours",
        _("The step's owner is reminded when it is due; the director hears when it is this late."),
    )
    unreachable_after_attempts = _number(
        "unreachable_after_attempts", _("The peer is then sent the resources and an open invitation."),
    )
    unreachable_after_days = _number(
        "unreachable_after_days", _("At least this many days from the first try."),
    )
    exclude_same_department = forms.BooleanField(
        label=_("Never suggest a supporter from the peer's own department"), required=False
    )
    one_peer_per_supporter_per_event = forms.BooleanField(
        label=_("Give a supporter at most one peer of the same event"), required=False,
        help_text=_("Colleagues involved in one event may not want to share a supporter, and the load spreads. "
        "The director can still choose such a supporter for a case, with a reason."),
    )
    default_case_limit = forms.IntegerField(
        label=_("Default case limit"), help_text=_("Open cases a supporter holds at once, unless set for them."),
        widget=forms.NumberInput(attrs={"min": 1, "max": 20}),
    )
    small_count_threshold = forms.IntegerField(
        label=_("Smallest count shown in reports"),
        help_text=_("Smaller counts are hidden so no one can be recognized."),
        widget=forms.NumberInput(attrs={"min": 5, "max": 100}),
    )
    retention_days = forms.IntegerField(
        label=_("Days to keep a closed case's details"), help_text=_("After this, only anonymous counts remain."),
        widget=forms.NumberInput(attrs={"min": 30, "max": 3650}),
    )

    administrators_see_cases = forms.BooleanField(
        label=_("The program administrator sees cases"), required=False,
        help_text=_("Off, only directors see cases. When no director can be reached, the administrator can then "
        "open one case with emergency access, for a reason from a fixed list; every director is told at once."),
    )
    break_glass_hours = _number(
        "break_glass_hours", _("It then ends by itself. It covers the one case the administrator opened."),
    )

    outside_supporter_categories = forms.MultipleChoiceField(
        label=_("Suggest supporters from other hospitals for these events"), choices=Category.choices,
        required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose the kinds of event from the list.")},
        help_text=_("For these kinds of event, the supporters of the system's other hospitals who agreed to be "
                    "shared are suggested too, as when a peer asks for someone from outside their hospital "
                    "(for example after litigation)."),
    )

    def __init__(self, data: Mapping[str, Any] | None = None, *, program: ProgramSettings, read_only: bool = False,
                 **kwargs: Any) -> None:
        weights = program.effective_weights()
        initial = {
            "served_role_types": program.served_role_types,
            "assignment_due_hours": program.assignment_due_hours,
            "first_outreach_due_hours": program.first_outreach_due_hours,
            "exclude_same_department": program.exclude_same_department,
            "one_peer_per_supporter_per_event": program.one_peer_per_supporter_per_event,
            "default_case_limit": program.default_case_limit,
            "small_count_threshold": program.small_count_threshold,
            "retention_days": program.retention_days,
            "administrators_see_cases": program.administrators_see_cases,
            "break_glass_hours": program.break_glass_hours,
            "outside_supporter_categories": program.outside_supporter_categories,
            **{name: getattr(program, name) for name in TIMING_FIELDS},
            **{WEIGHT_PREFIX + key: weights[key] for key in WEIGHT_LABELS},
        }
        super().__init__(data, initial=initial, **kwargs)
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
        return [self[name] for name in self.base_fields if name not in TIMING_FIELDS + ACCESS_FIELDS + OUTSIDE_FIELDS]

    def outside_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in OUTSIDE_FIELDS]

    def access_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ACCESS_FIELDS]

    def timing_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in TIMING_FIELDS]

    def to_input(self) -> ProgramSettingsInput:
        data = self.cleaned_data
        return ProgramSettingsInput(
            served_role_types=data["served_role_types"],
            assignment_due_hours=data["assignment_due_hours"],
            first_outreach_due_hours=data["first_outreach_due_hours"],
            exclude_same_department=data["exclude_same_department"],
            one_peer_per_supporter_per_event=data["one_peer_per_supporter_per_event"],
            default_case_limit=data["default_case_limit"],
            small_count_threshold=data["small_count_threshold"],
            retention_days=data["retention_days"],
            unreachable_after_attempts=data["unreachable_after_attempts"],
            unreachable_after_days=data["unreachable_after_days"],
            next_attempt_due_hours=data["next_attempt_due_hours"],
            first_conversation_due_hours=data["first_conversation_due_hours"],
            follow_up_due_days=data["follow_up_due_days"],
            close_due_days=data["close_due_days"],
            escalate_after_hours=data["escalate_after_hours"],
            administrators_see_cases=data["administrators_see_cases"],
            break_glass_hours=data["break_glass_hours"],
            outside_supporter_categories=data["outside_supporter_categories"],
            weights={key: data[WEIGHT_PREFIX + key] for key in WEIGHT_LABELS},
        )
