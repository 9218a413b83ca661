"""The director's "Integration tokens" page: named, scoped API tokens with an expiry."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from peersupport.accounts.access import api_token_for_user, api_tokens_for_user, token_owner_choices
from peersupport.accounts.forms import ApiTokenForm
from peersupport.accounts.intake_secrets import intake_secret_state
from peersupport.accounts.models import ApiToken, TokenScope
from peersupport.accounts.requests import SignedInRequest
from peersupport.accounts.scopes import DESCRIPTIONS
from peersupport.accounts.services import WEB_TOKEN_SCOPES, api_token_create, api_token_withdraw
from peersupport.lib.errors import InvalidInput, ServiceError

PAGE_SIZE = 50
DEFAULT_DAYS = 90
NEW_KEY = "new_api_token"


def _state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "Revoked"
    if not token.user.is_active:
        return "Login deactivated"
    ends = token.ends_at
    return "Expired" if ends is not None and ends <= timezone.now() else "In use"


@never_cache
@login_required
@require_GET
def api_tokens(request: SignedInRequest) -> HttpResponse:
    tokens = api_tokens_for_user(request.user).order_by("-created_at", "-pk")
    page = Paginator(tokens, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"token": token, "state": _state(token)} for token in page.object_list]
    # The signed intake has no token; its secrets are the operator's (`intake_secret`), shown here
    # without the secrets so the director sees whether the reporting system is connected.
    context: dict[str, object] = {"page_obj": page, "rows": rows, "intake": intake_secret_state()}
    # A token just made: its key, shown on this one answer and then forgotten (only a digest is kept).
    made = request.session.pop(NEW_KEY, None)
    if isinstance(made, dict) and isinstance(made.get("id"), int):
        token = api_tokens_for_user(request.user).filter(pk=made["id"]).first()
        if token is not None:
            context.update(made_token=token, made_key=str(made.get("key", "")),
                           made_scope=DESCRIPTIONS.get(token.scope, ""),
                           api_url=settings.SITE_URL.rstrip("/") + "/api/v1")
    return render(request, "accounts/api_tokens.html", context)


def _form(request: SignedInRequest) -> ApiTokenForm:
    owners = [(login.pk, "Yourself" + f" ({login.email})" if login.pk == request.user.pk else login.email)
              for login in token_owner_choices(request.user)[:500]]
    scopes = [(scope.value, f"{scope.label}: {DESCRIPTIONS[scope]}") for scope in WEB_TOKEN_SCOPES]
    initial = {"scope": TokenScope.REFERRALS.value,
               "expires_on": timezone.localdate() + timedelta(days=DEFAULT_DAYS)}
    return ApiTokenForm(request.POST if request.method == "POST" else None, owners=owners, scopes=scopes,
                        initial=initial)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token_new(request: SignedInRequest) -> HttpResponse:
    form = _form(request)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                token, key = api_token_create(actor=request.user, owner_id=data["owner"], name=data["name"],
                                              scope=data["scope"], expires_on=data["expires_on"])
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                # Held in the session for the one page that shows it (a reload does not make another).
                request.session[NEW_KEY] = {"id": token.pk, "key": key}
                return redirect("api-tokens")
        status = InvalidInput.status
    return render(request, "accounts/api_token_new.html",
                  {"form": form, "max_days": settings.API_TOKEN_MAX_DAYS}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    token = api_token_for_user(request.user, token_id)
    error, status = "", 200
    if request.method == "POST":
        try:
            api_token_withdraw(actor=request.user, token_id=token.pk)
        except ServiceError as exc:
            error, status = exc.detail, exc.status
        else:
            messages.success(request, gettext("The token “%(name)s” is revoked: it stops working now.")
                             % {"name": token.name or token.prefix})
            return redirect("api-tokens")
    return render(request, "accounts/api_token_revoke.html", {"token": token, "error": error}, status=status)
