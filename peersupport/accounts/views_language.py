"""The language switch: anyone's, for this browser; a signed-in person's, saved for them too."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from peersupport.accounts.language import own_language_set
from peersupport.accounts.models import User
from peersupport.lib.errors import InvalidInput
from peersupport.lib.i18n import language_of, remember_language, supported


def _next_url(request: HttpRequest) -> str:
    """Where to go back to: a page of this site only (never another site), else the language page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return wanted
    return reverse("language")


@require_http_methods(["GET", "POST"])
def language(request: HttpRequest) -> HttpResponse:
    """GET: the choice of language (a signed-in person's own setting). POST: switch to it.

    Works without JavaScript: the base layout's switch is a small form posting here."""
    if request.method == "POST":
        chosen = supported(request.POST.get("language"))
        if chosen is None:
            return render(request, "language.html", {"next": _next_url(request), "refused": True}, status=400)
        if isinstance(request.user, User) and request.user.is_authenticated:
            try:
                own_language_set(user=request.user, language=chosen)
            except InvalidInput:  # pragma: no cover - `supported` already checked it
                return render(request, "language.html", {"next": _next_url(request), "refused": True}, status=400)
        response = HttpResponseRedirect(_next_url(request))
        remember_language(response, chosen)
        return response
    current = language_of(request.user) if request.user.is_authenticated else translation.get_language()
    return render(request, "language.html", {"next": _next_url(request), "current": current})
