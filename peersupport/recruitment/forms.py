from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from peersupport.recruitment.invitation import DEFAULT_BODY, DEFAULT_SUBJECT, PLACEHOLDERS
from peersupport.recruitment.models import AudienceKind, Campaign, Reason
from peersupport.recruitment.selectors import Audience, roster_values
from peersupport.recruitment.services import MAX_NOMINEES, CampaignInput, NomineeInput
from peersupport.roster.models import RoleType


def is_roster_id(value: str) -> bool:
    """A roster id as the page sends it: ASCII digits only ("²" is a digit to Python, not to int())."""
    return value.isascii() and value.isdigit() and len(value) <= 12


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name of the campaign"), max_length=120,
                           help_text=_("Everyone invited sees it at the top of their nomination page, "
                                       "e.g. “Spring 2027, Emergency Medicine”."))
    audience_kind = forms.ChoiceField(label=_("Who is invited to nominate"), choices=AudienceKind.choices,
                                      widget=forms.RadioSelect, initial=AudienceKind.SERVED)
    departments = forms.MultipleChoiceField(
        label=_("Departments"), required=False,
        help_text=_("For chosen groups: anyone in one of these departments. Leave empty for every department."),
        widget=forms.SelectMultiple(attrs={"size": 8}))
    sites = forms.MultipleChoiceField(
        label=_("Sites"), required=False,
        help_text=_("For chosen groups: anyone at one of these sites. Leave empty for every site."),
        widget=forms.SelectMultiple(attrs={"size": 4}))
    role_types = forms.MultipleChoiceField(
        label=_("Professional roles"), required=False, choices=RoleType.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("For chosen groups. Leave empty for the roles the program serves."))
    subject = forms.CharField(label=_("Subject"), max_length=150, initial=DEFAULT_SUBJECT)
    body = forms.CharField(
        label=_("Invitation"), max_length=5000, initial=DEFAULT_BODY, widget=forms.Textarea(attrs={"rows": 18}),
        help_text=format_lazy(_("Plain text. {link} is each person's own nomination link (required); "
                                "{first_name} their first name; {about_link} the page on what supporters do."),
                              link=PLACEHOLDERS[0], first_name=PLACEHOLDERS[1], about_link=PLACEHOLDERS[2]))

    def __init__(self, *args: Any, program_id: int, campaign: Campaign | None = None, **kwargs: Any) -> None:
        if campaign is not None and "data" not in kwargs and not args:
            kwargs["initial"] = {
                "name": campaign.name, "audience_kind": campaign.audience_kind,
                "departments": campaign.departments, "sites": campaign.sites, "role_types": campaign.role_types,
                "subject": campaign.subject, "body": campaign.body,
            }
        super().__init__(*args, **kwargs)
        # The program's own departments and sites: a campaign reaches its program's people only.
        departments, sites = roster_values("department", program_id), roster_values("site", program_id)
        # Values saved earlier stay choosable even if the roster no longer has them.
        if campaign is not None:
            departments = sorted(set(departments) | set(campaign.departments))
            sites = sorted(set(sites) | set(campaign.sites))
        cast(forms.MultipleChoiceField, self.fields["departments"]).choices = [(d, d) for d in departments]
        cast(forms.MultipleChoiceField, self.fields["sites"]).choices = [(s, s) for s in sites]

    def to_input(self) -> CampaignInput:
        data = self.cleaned_data
        audience = Audience(kind=data["audience_kind"], departments=tuple(data["departments"]),
                            sites=tuple(data["sites"]), role_types=tuple(data["role_types"]))
        return CampaignInput(name=data["name"], audience=audience, subject=data["subject"], body=data["body"])


class NominationForm(forms.Form):
    """The chosen colleagues arrive as `nominee` (roster ids) and `reasons-<id>` (the reasons
    ticked on each one's card); the form reads them from the raw data."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data = self._posted()
        raw = data.getlist("nominee")
        ids: list[int] = []
        for value in raw[: MAX_NOMINEES + 1]:
            if not is_roster_id(str(value)):
                raise forms.ValidationError(_("Choose colleagues from the list."))
            if int(value) not in ids:
                ids.append(int(value))
        if not ids:
            raise forms.ValidationError(_("Choose at least one colleague: type a name and pick them from the list."))
        if len(ids) > MAX_NOMINEES:
            raise forms.ValidationError(_("Nominate at most %(count)s colleagues at a time.") % {"count": MAX_NOMINEES})
        nominees = []
        for pk in ids:
            reasons = tuple(r for r in data.getlist(f"reasons-{pk}") if r)
            if any(r not in Reason.values for r in reasons):
                raise forms.ValidationError(_("Choose reasons from the list."))
            if not reasons:
                raise forms.ValidationError(_("Tick at least one reason for each colleague you chose."))
            nominees.append(NomineeInput(person_id=pk, reasons=reasons))
        cleaned["nominees"] = nominees
        return cleaned

    def chosen(self) -> list[tuple[int, list[str]]]:
        """What was chosen, to show the cards again after a refusal."""
        data = self._posted()
        raw = data.getlist("nominee")
        ids = list(dict.fromkeys(int(v) for v in raw[:MAX_NOMINEES] if is_roster_id(str(v))))
        return [(pk, [r for r in data.getlist(f"reasons-{pk}") if r in Reason.values]) for pk in ids]

    def _posted(self) -> QueryDict:
        return self.data if isinstance(self.data, QueryDict) else QueryDict()


class CandidateMoveForm(forms.Form):
    step = forms.ChoiceField(choices=[("invite", _("Invite")), ("accepted", _("Accepted")), ("declined", _("Declined")),
                                      ("training", _("In training")), ("active", _("Active"))])
