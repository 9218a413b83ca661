from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from peersupport.accounts.requests import SignedInRequest
from peersupport.front.decorators import role_required
from peersupport.reports.access import REPORT_READERS
from peersupport.reports.exports import FORMATS, report_export
from peersupport.reports.periods import Period, PeriodError, parse_slug
from peersupport.reports.selectors import default_period, periods_offered, report_sections
from peersupport.reports.tables import TABLES

DENIED = "Reports are for leadership and the program's staff."


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label="Period", required=False)

    def __init__(self, *args: object, offered: list[Period], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own arguments, passed on
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)  # nosec B101 - declared just above
        field.choices = [(p.slug, p.label) for p in offered]


def _period(request: SignedInRequest) -> tuple[PeriodForm, Period]:
    offered = periods_offered()
    form = PeriodForm(request.GET or None, offered=offered)
    if form.is_bound and form.is_valid() and form.cleaned_data["period"]:
        return form, parse_slug(form.cleaned_data["period"])
    period = default_period()
    if not form.is_bound:
        form = PeriodForm(initial={"period": period.slug}, offered=offered)
    return form, period


@role_required(REPORT_READERS, DENIED)
@require_GET
def reports(request: SignedInRequest) -> HttpResponse:
    """Every report table for one month, quarter or year, beside the previous one, with charts."""
    form, period = _period(request)
    return render(request, "reports/reports.html", {
        "form": form, "period": period, "previous": period.previous(),
        "sections": report_sections(period), "formats": list(FORMATS),
    })


@role_required(REPORT_READERS, DENIED)
@require_GET
def export(request: SignedInRequest, table: str, file_format: str) -> HttpResponse:
    """One table as CSV or Excel, with the same suppression; audited as an export."""
    if table not in TABLES or file_format not in FORMATS:
        raise Http404("There is no such report file.")
    try:
        period = parse_slug(request.GET.get("period", "")) if request.GET.get("period") else default_period()
    except PeriodError as error:
        return render(request, "reports/bad_period.html", {"message": str(error)}, status=400)
    exported = report_export(actor=request.user, table=TABLES[table], period=period, file_format=file_format)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response
