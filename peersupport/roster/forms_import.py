"""The roster import's forms: the file, then which column holds which roster field."""

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peersupport.roster.imports import FIELD_LABELS, MAX_FILE_BYTES
from peersupport.roster.models import RosterImport

FIELD_PREFIX = "column_"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        allow_empty_file=True,  # refused by the import itself, with what to do
        label=_("HR export (CSV or Excel .xlsx)"),
        help_text=format_lazy(_("One row of column headings, then one row a person. At most {megabytes} MB."),
                              megabytes=MAX_FILE_BYTES // 1_048_576))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than %(megabytes)s MB: leave out columns the roster does not use, or "
                        "split the file.") % {"megabytes": MAX_FILE_BYTES // 1_048_576})
        return upload


class ImportMappingForm(forms.Form):
    """One choice of column per roster field, offered from the file's own headings."""

    mapping_name = forms.CharField(
        label=_("Remember this mapping as"), max_length=100, required=False,
        help_text=_("The mapping used last is offered for the next file; the command takes it by name (--mapping)."))
    deactivate_missing = forms.BooleanField(
        label=_("Deactivate people on the roster who are not in this file"), required=False,
        help_text=_("For a complete export of the staff. The preview says how many before anything changes."))

    def __init__(self, *args: Any, roster_import: RosterImport, **kwargs: Any) -> None:
        initial = {f"{FIELD_PREFIX}{name}": heading for name, heading in roster_import.columns.items()}
        initial.update(mapping_name=roster_import.mapping_name or gettext("HR export"),
                       deactivate_missing=roster_import.deactivate_missing)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        choices = [("", gettext("(not in this file)")), *((heading, heading) for heading in roster_import.headers)]
        for name, label in FIELD_LABELS.items():
            self.fields[f"{FIELD_PREFIX}{name}"] = forms.ChoiceField(
                label=label, choices=choices, required=False)

    def columns(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"{FIELD_PREFIX}{name}"] for name in FIELD_LABELS
                if self.cleaned_data.get(f"{FIELD_PREFIX}{name}")}

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"{FIELD_PREFIX}{name}"] for name in FIELD_LABELS]
