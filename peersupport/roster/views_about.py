"""About me: a person's own answers about themself (gender, race and ethnicity, age band)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from peersupport.accounts.requests import SignedInRequest
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.roster.forms import AboutMeForm
from peersupport.roster.services import person_describe_self


@login_required
@require_http_methods(["GET", "POST"])
def about_me(request: SignedInRequest) -> HttpResponse:
    """Only the signed-in person's own entry: there is no way to name anyone else's."""
    person = request.user.person
    if person is None:
        raise PermissionDenied(
            gettext("Your login is not linked to the staff roster, so there is nothing to describe here."))
    status = 200
    if request.method == "POST":
        form = AboutMeForm(request.POST)
        if form.is_valid():
            try:
                person_describe_self(actor=request.user, **form.answers())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, gettext("Thank you: your answers are saved."))
                return redirect("about-me")
        status = InvalidInput.status
    else:
        form = AboutMeForm(person=person)
    return render(request, "roster/about_me.html", {"form": form}, status=status)
