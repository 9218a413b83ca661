from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from peersupport.accounts.models import PROGRAM_STAFF, Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.front.decorators import require_role, role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.program.forms import ProgramSettingsForm
from peersupport.program.models import ProgramSettings
from peersupport.program.services import program_settings_update


@role_required(PROGRAM_STAFF, "Only the program's director and administrator see the program settings.")
@require_http_methods(["GET", "POST"])
def program_settings(request: SignedInRequest) -> HttpResponse:
    """The director sets the program's rules; the administrator may read them."""
    # The signed-in director's own program: another program's settings are never theirs.
    program = ProgramSettings.for_program(request.user.program_id)
    may_edit = request.user.role == Role.DIRECTOR
    status = 200
    if request.method == "POST":
        require_role(request.user, {Role.DIRECTOR}, "Only the program director changes the program settings.")
        form = ProgramSettingsForm(request.POST, program=program)
        if form.is_valid():
            try:
                program_settings_update(actor=request.user, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, gettext("The program settings are saved."))
                return redirect("program-settings")
        status = InvalidInput.status
    else:
        form = ProgramSettingsForm(program=program, read_only=not may_edit)
    return render(request, "program/settings.html", {"form": form, "may_edit": may_edit}, status=status)
