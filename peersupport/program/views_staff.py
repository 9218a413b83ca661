from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from peersupport.accounts.models import PROGRAM_STAFF, Role, User
from peersupport.accounts.requests import SignedInRequest
from peersupport.front.decorators import require_role, role_required
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.program.models import StaffMember
from peersupport.program.staff import StaffInput, deputy_choices, program_staff_update


class StaffForm(forms.Form):
    protected_time_percent = forms.IntegerField(
        # xgettext:no-python-format
        label=_("Your protected time for the program (% of your working time)"), required=False,
        min_value=0, max_value=100, widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
        # xgettext:no-python-format
        help_text=_("10 to 20% is typical for a program director."),
    )
    away_from = forms.DateField(label=_("Away from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    away_until = forms.DateField(label=_("Away until (the last day away)"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    deputy = forms.TypedChoiceField(
        label=_("Your deputy while you are away"), required=False, coerce=int, empty_value=None,
        help_text=_("They receive your escalations and notices while you are away; safety escalations reach you too."),
    )

    def __init__(self, *args: Any, director: User, staff: StaffMember | None, **kwargs: Any) -> None:
        if staff is not None:
            kwargs.setdefault("initial", {"protected_time_percent": staff.protected_time_percent,
                                          "away_from": staff.away_from, "away_until": staff.away_until,
                                          "deputy": staff.deputy_id or ""})
        super().__init__(*args, **kwargs)
        deputy = self.fields["deputy"]
        if not isinstance(deputy, forms.TypedChoiceField):
            raise TypeError("the deputy field is a choice field")
        deputy.choices = [("", "No deputy"), *(
            (user.pk, f"{user.display_name} ({user.get_role_display()})")
            for user in deputy_choices(director))]

    def to_input(self) -> StaffInput:
        data = self.cleaned_data
        return StaffInput(protected_time_percent=data["protected_time_percent"], away_from=data["away_from"],
                          away_until=data["away_until"], deputy_id=data["deputy"])


@role_required(PROGRAM_STAFF, "Only the program's director and administrator see the program's staff.")
@require_http_methods(["GET", "POST"])
def program_staff(request: SignedInRequest) -> HttpResponse:
    """Who runs the program; a director sets their own protected time, absence and deputy."""
    is_director = request.user.role == Role.DIRECTOR
    own = StaffMember.objects.filter(user=request.user).first()
    status = 200
    form = None
    if request.method == "POST":
        require_role(request.user, {Role.DIRECTOR}, "Only a program director sets their protected time and deputy.")
        form = StaffForm(request.POST, director=request.user, staff=own)
        if form.is_valid():
            try:
                program_staff_update(actor=request.user, data=form.to_input())
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, gettext("Saved."))
                return redirect("program-staff")
        status = InvalidInput.status
    elif is_director:
        form = StaffForm(director=request.user, staff=own)
    today = timezone.localdate()
    rows = []
    for user in (User.objects.filter(role__in=PROGRAM_STAFF, is_active=True)
                 .select_related("person", "program_staff__deputy__person").order_by("role", "email")):
        member: StaffMember | None = getattr(user, "program_staff", None)
        rows.append({"user": user, "staff": member, "away": member is not None and member.is_away(today)})
    context = {"form": form, "rows": rows}
    return render(request, "program/staff.html", context, status=status)
