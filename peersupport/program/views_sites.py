"""The director's sites: which program each of their program's sites belongs to."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.front.decorators import role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.program.models import Program
from peersupport.program.services import own_sites, program_site_give


class SiteGiveForm(forms.Form):
    site = forms.ChoiceField(label=gettext_lazy("Site"))
    program = forms.TypedChoiceField(label=gettext_lazy("Give it to"), coerce=int)

    def __init__(self, *args: Any, sites: list[tuple[str, int]], others: list[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        program = self.fields["program"]
        if not isinstance(site, forms.ChoiceField) or not isinstance(program, forms.TypedChoiceField):
            raise TypeError("the site and program fields are choice fields")
        site.choices = [(name, name) for name, _count in sites]
        program.choices = [(other.pk, other.name) for other in others]


@role_required({Role.DIRECTOR}, gettext_lazy("Only a program director maps the program's sites."))
@require_http_methods(["GET", "POST"])
def program_sites(request: SignedInRequest) -> HttpResponse:
    """The director's own program's sites, and giving one to another program (everyone there moves)."""
    own = Program.objects.get(pk=request.user.program_pk)
    sites = own_sites(own)
    others = list(Program.objects.exclude(pk=own.pk).order_by("name"))
    status = 200
    if request.method == "POST":
        form = SiteGiveForm(request.POST, sites=sites, others=others)
        if form.is_valid():
            try:
                moved = program_site_give(actor=request.user, site=form.cleaned_data["site"],
                                          to_program_id=form.cleaned_data["program"])
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, _("The site %(site)s is now another program's: %(count)s people moved.")
                                 % {"site": form.cleaned_data["site"], "count": moved})
                return redirect("program-sites")
        status = InvalidInput.status
    else:
        form = SiteGiveForm(sites=sites, others=others)
    return render(request, "program/sites.html",
                  {"program": own, "sites": sites,
                   # Refused input is always shown with its reasons, even with nothing to choose from.
                   "form": form if form.is_bound or (sites and others) else None}, status=status)
