from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from peersupport.front.my_data import subject_data


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """What the program holds about the signed-in person: every signed-in user may see theirs."""
    if not request.user.is_active:
        raise PermissionDenied(gettext("This login is no longer active."))
    return render(request, "front/my_data.html", {"data": subject_data(request.user)})
