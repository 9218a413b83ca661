from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from peersupport.accounts.models import PROGRAM_STAFF, Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.composition.selectors import hard_to_match_findings, team_composition
from peersupport.front.decorators import role_required
from peersupport.program.models import ProgramSettings

DEFAULT_FEWER_THAN = 2


class FewerThanForm(forms.Form):
    fewer_than = forms.IntegerField(
        label=_("Show kinds of peer with fewer available supporters than"), min_value=1, max_value=20,
        required=False, widget=forms.NumberInput(attrs={"min": 1, "max": 20}),
    )


@role_required(PROGRAM_STAFF | {Role.LEADER}, _("Only the program's staff and leadership see the team's composition."))
@require_GET
def composition(request: SignedInRequest) -> HttpResponse:
    """The user's program's team beside the people it serves, in counts only; and, for program
    staff, which kinds of peer the team cannot match well at each site."""
    program = ProgramSettings.for_program(request.user.program_pk)
    context: dict[str, object] = {"composition": team_composition(program)}
    if request.user.role in PROGRAM_STAFF:
        # A number that is not one is said under the field, and the page shows the default.
        form = FewerThanForm(request.GET or None)
        fewer_than = DEFAULT_FEWER_THAN
        if form.is_bound and form.is_valid():
            fewer_than = form.cleaned_data["fewer_than"] or DEFAULT_FEWER_THAN
        context.update(form=form, fewer_than=fewer_than,
                       findings=hard_to_match_findings(program, fewer_than=fewer_than))
    return render(request, "composition/composition.html", context)
