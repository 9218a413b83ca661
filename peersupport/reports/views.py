from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.front.decorators import require_role, role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.reports.access import DECK_DENIED, DECK_READERS, REPORT_READERS
from peersupport.reports.deck_services import deck_export, deck_settings_update
from peersupport.reports.exports import FORMATS, ExportFile, report_export
from peersupport.reports.forms import DeckSettingsForm
from peersupport.reports.measure_pages import measures_page
from peersupport.reports.measures import MEASURES
from peersupport.reports.models import DeckSettings
from peersupport.reports.periods import Period, PeriodError, parse_slug
from peersupport.reports.scope import ReportScope, report_scope, report_scopes, sees_every_program
from peersupport.reports.selectors import (
    default_period,
    periods_offered,
    report_sections,
    side_by_side,
    team_side_by_side,
)
from peersupport.reports.tables import GROUPS, TABLES
from peersupport.reports.trend import trend

DENIED = gettext_lazy("Reports are for leadership and the program's staff.")
NOT_OFFERED = gettext_lazy("The deck covers a month, quarter or year from the program's first year with data to "
                           "today.")


class PeriodForm(forms.Form):
    # The system leader's choice of whose detailed tables to show (every program's totals are
    # side by side above them); a program's reader has none.
    program = forms.ChoiceField(label=gettext_lazy("Program"), required=False)
    period = forms.ChoiceField(label=gettext_lazy("Period"), required=False)
    # The groups' names are marked in tables.py and read here in the page's language.
    group = forms.ChoiceField(label=gettext_lazy("Group by"), required=False,
                              choices=[(key, gettext_lazy(name)) for key, name in GROUPS.items()])

    def __init__(self, *args: object, offered: list[Period], scopes: list[ReportScope], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own arguments, passed on
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)  # nosec B101 - declared just above
        field.choices = [(p.slug, p.label) for p in offered]
        programs = self.fields["program"]
        assert isinstance(programs, forms.ChoiceField)  # nosec B101 - declared just above
        if len(scopes) > 1:
            programs.choices = [(scope.slug, scope.name) for scope in scopes]
        else:
            del self.fields["program"]


def _period(request: SignedInRequest) -> tuple[PeriodForm, Period, str]:
    """The period and the "Group by" choice asked for; the defaults for one not given or not
    offered (the form then says why)."""
    offered = periods_offered()
    scopes = report_scopes(request.user)
    form = PeriodForm(request.GET or None, offered=offered, scopes=scopes)
    period, group = default_period(), "category"
    if form.is_bound:
        # Each field on its own: a bad period still shows the group asked for, and the other way.
        period_slug, group_key = form.data.get("period", ""), form.data.get("group", "")
        form.is_valid()
        if period_slug and "period" not in form.errors:
            period = parse_slug(period_slug)
        if group_key and "group" not in form.errors:
            group = group_key
    else:
        form = PeriodForm(initial={"period": period.slug, "group": group, "program": scopes[-1].slug if scopes else ""},
                          offered=offered, scopes=scopes)
    return form, period, group


def _scope(request: SignedInRequest) -> ReportScope:
    """Whose figures: `?program=` (403 for another program's reader, 404 for none such)."""
    return report_scope(request.user, request.GET.get("program") or None)


@role_required(REPORT_READERS, DENIED)
@require_GET
def reports(request: SignedInRequest) -> HttpResponse:
    """Every report table for one month, quarter or year, beside the previous one, with charts."""
    scope = _scope(request)
    form, period, group = _period(request)
    sections = report_sections(period, group, scope.program_id)
    every = sees_every_program(request.user)
    return render(request, "reports/reports.html", {
        "form": form, "period": period, "previous": period.previous(), "group": GROUPS[group],
        "scope": scope, "may_deck": request.user.role in DECK_READERS,
        "program_query": f"&program={scope.slug}" if every else "",
        "sections": sections, "formats": list(FORMATS), "trend": trend(period, scope.program_id),
        "side_by_side": [*side_by_side(period, group, report_scopes(request.user)),
                         team_side_by_side(period, report_scopes(request.user))] if every else [],
        "measures": measures_page(period, group, scope.program_id, scope.threshold),
        # The oldest worked-out state shown, when a large year is being brought up to date.
        "as_of": min((r.as_of for s in sections for r in (s.current, s.previous) if r.as_of), default=None),
    })


@role_required(REPORT_READERS, DENIED)
@require_GET
def export(request: SignedInRequest, table: str, file_format: str) -> HttpResponse:
    """One table as CSV or Excel, with the same suppression; audited as an export."""
    if (table not in TABLES and table not in MEASURES) or file_format not in FORMATS:
        raise Http404(_("There is no such report file."))
    scope = _scope(request)
    try:
        period = parse_slug(request.GET.get("period", "")) if request.GET.get("period") else default_period()
    except PeriodError as error:
        return render(request, "reports/bad_period.html", {"message": str(error)}, status=400)
    return _attachment(report_export(actor=request.user, table=TABLES.get(table) or MEASURES[table], period=period,
                                     file_format=file_format, scope=scope))


def _attachment(exported: ExportFile) -> HttpResponse:
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


@role_required(DECK_READERS, DECK_DENIED)
@require_http_methods(["GET", "POST"])
def deck(request: SignedInRequest) -> HttpResponse:
    """The case-for-support deck: choose its period and download it; the director also sets the
    assumptions of its return on investment, which everyone else may read."""
    settings = DeckSettings.for_program(request.user.program_pk)
    may_edit = request.user.role == Role.DIRECTOR
    status = 200
    if request.method == "POST":
        require_role(request.user, {Role.DIRECTOR}, _("Only the program director changes the deck's assumptions."))
        form = DeckSettingsForm(request.POST, settings=settings)
        if form.is_valid():
            try:
                deck_settings_update(actor=request.user, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, _("The deck's assumptions are saved."))
                return redirect("reports-deck")
        status = InvalidInput.status
    else:
        form = DeckSettingsForm(settings=settings, read_only=not may_edit)
    period_form, period, _group = _period(request)
    return render(request, "reports/deck.html", {
        "form": form, "may_edit": may_edit, "period_form": period_form, "period": period,
        "previous": period.previous(),
    }, status=status)


@role_required(DECK_READERS, DECK_DENIED)
@require_GET
def deck_download(request: SignedInRequest) -> HttpResponse:
    """The deck as a PowerPoint file for `?period=` (this year by default); audited as an export."""
    try:
        period = parse_slug(request.GET.get("period", "")) if request.GET.get("period") else default_period()
    except PeriodError as error:
        return render(request, "reports/bad_period.html", {"message": str(error)}, status=400)
    if period not in periods_offered():
        return render(request, "reports/bad_period.html", {"message": NOT_OFFERED}, status=400)
    return _attachment(deck_export(actor=request.user, period=period))
