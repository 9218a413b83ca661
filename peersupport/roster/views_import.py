"""The roster import's pages: upload an HR file, map its columns, read the preview, import.

The checking and the import run in the worker (`peersupport.roster.tasks`); the import's own
page polls its progress (htmx) and shows the same state after a reload."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peersupport.accounts.requests import SignedInRequest
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.roster.access import require_roster_reader, roster_import_for_user
from peersupport.roster.forms_import import ImportMappingForm, ImportUploadForm
from peersupport.roster.imports import FIELD_LABELS, MAX_FILE_BYTES, MAX_ROWS
from peersupport.roster.models import ImportStatus, RosterImport
from peersupport.roster.services_import import roster_import_map, roster_import_start, roster_import_upload

RECENT = 10
MAPPABLE = (ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.FAILED)


@login_required
@require_http_methods(["GET", "POST"])
def roster_import_new(request: SignedInRequest) -> HttpResponse:
    require_roster_reader(request.user)
    status = 200
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                found = roster_import_upload(actor=request.user, filename=upload.name or "",
                                             content=upload.read())
            except ServiceError as exc:
                form.add_error("file", exc.detail)
            else:
                return redirect("roster-import", found.pk)
        status = InvalidInput.status
    else:
        form = ImportUploadForm()
    return render(request, "roster/import_new.html",
                  {"form": form,
                   # The program's own imports (index roster_import_program_recent).
                   "recent": RosterImport.objects.recent().filter(program_id=request.user.program_pk)[:RECENT],
                   "max_mb": MAX_FILE_BYTES // 1_048_576, "max_rows": MAX_ROWS}, status=status)


def _page(request: SignedInRequest, found: RosterImport, form: ImportMappingForm | None,
          status: int = 200, error: str = "") -> HttpResponse:
    if form is None and (found.status in MAPPABLE or found.stalled):
        form = ImportMappingForm(roster_import=found)
    return render(request, "roster/import.html",
                  {"roster_import": found, "form": form, "error": error, "field_labels": FIELD_LABELS},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request: SignedInRequest, roster_import_id: int) -> HttpResponse:
    """The import's own page: the mapping, then its progress, its preview and its result."""
    found = roster_import_for_user(request.user, roster_import_id)
    if request.method != "POST":
        return _page(request, found, None)
    form = ImportMappingForm(request.POST, roster_import=found)
    status = InvalidInput.status
    if form.is_valid():
        try:
            roster_import_map(actor=request.user, roster_import_id=found.pk, columns=form.columns(),
                              mapping_name=form.cleaned_data["mapping_name"],
                              deactivate_missing=form.cleaned_data["deactivate_missing"])
        except ServiceError as exc:
            form.add_error(None, exc.detail)
            status = exc.status
        else:
            return redirect("roster-import", found.pk)
    return _page(request, found, form, status)


@login_required
@require_GET
def roster_import_progress(request: SignedInRequest, roster_import_id: int) -> HttpResponse:
    """The import's state, for its page to poll while the worker checks or imports the file."""
    found = roster_import_for_user(request.user, roster_import_id)
    return render(request, "roster/import_status.html", {"roster_import": found, "field_labels": FIELD_LABELS})


@login_required
@require_POST
def roster_import_begin(request: SignedInRequest, roster_import_id: int) -> HttpResponse:
    found = roster_import_for_user(request.user, roster_import_id)
    try:
        roster_import_start(actor=request.user, roster_import_id=found.pk)
    except ServiceError as exc:
        return _page(request, found, None, exc.status, exc.detail)
    return redirect("roster-import", found.pk)
