"""The "Logins" pages: the director and the administrator invite, deactivate and reset logins."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from peersupport.accounts import sso
from peersupport.accounts.access import (
    login_for_user,
    logins_for_user,
    manageable_roles,
    may_manage_role,
    require_login_manager,
)
from peersupport.accounts.forms import InviteForm, LoginSearchForm
from peersupport.accounts.models import User
from peersupport.accounts.requests import SignedInRequest
from peersupport.accounts.services import login_deactivate, login_in_use, login_invite, login_two_factor_reset
from peersupport.accounts.two_factor import requires_two_factor
from peersupport.lib.errors import InvalidInput, ServiceError

PAGE_SIZE = 50


def _may_act_on(user: User, login: User) -> bool:
    return login.pk != user.pk and login.is_active and may_manage_role(user, login.role)


def _may_invite_again(user: User, login: User) -> bool:
    """A deactivated login, or one never used (no password chosen, never signed in: single sign-on
    needs no password), may be sent a new invitation."""
    waiting = not login.is_active or not login_in_use(login)
    return login.pk != user.pk and waiting and may_manage_role(user, login.role)


@login_required
@require_GET
def logins(request: SignedInRequest) -> HttpResponse:
    form = LoginSearchForm(request.GET)
    found = logins_for_user(request.user).annotate(
        two_step=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    ).order_by("-is_active", "email")
    if form.is_valid() and form.cleaned_data["q"].strip():
        found = found.filter(email__icontains=form.cleaned_data["q"].replace("\x00", "").strip())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "login": login,
            "asks_code": requires_two_factor(login),
            "invited": not login_in_use(login),
            "may_act": _may_act_on(request.user, login),
            "may_reinvite": _may_invite_again(request.user, login),
            "reinvite_query": urlencode({"email": login.email, "role": login.role,
                                         "employee_id": login.person.employee_id if login.person else ""}),
        }
        for login in page.object_list
    ]
    return render(request, "accounts/logins.html", {"form": form, "page_obj": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def login_invite_page(request: SignedInRequest) -> HttpResponse:
    require_login_manager(request.user)
    roles = manageable_roles(request.user)
    # "Invite again" on the Logins page opens this form filled in with the login as it was.
    initial = {name: request.GET.get(name, "")[:254] for name in ("email", "role", "employee_id")}
    form = InviteForm(request.POST if request.method == "POST" else None, roles=roles, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                login = login_invite(actor=request.user, email=data["email"], role=data["role"],
                                     employee_id=data["employee_id"])
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                if sso.password_allowed(login.email):
                    messages.success(request, gettext("%(email)s is invited: an email with a link to choose "
                                                      "a password is on its way.") % {"email": login.email})
                else:
                    messages.success(request, gettext("%(email)s is invited: an email telling them to sign in "
                                                      "with %(provider)s is on its way.")
                                     % {"email": login.email, "provider": sso.provider_name()})
                return redirect("logins")
        status = InvalidInput.status
    else:
        status = 200
    return render(request, "accounts/login_invite.html",
                  {"form": form, "invite_days": settings.LOGIN_INVITE_DAYS, **sso.sign_in_context()},
                  status=status)


def _confirm_page(request: SignedInRequest, login_id: int, *, template: str, act: Callable[..., object],
                  done: str) -> HttpResponse:
    """A page that asks first (GET) and acts on the confirming POST, with a plain refusal."""
    login = login_for_user(request.user, login_id)
    error, status = "", 200
    if request.method == "POST":
        try:
            act(actor=request.user, login_id=login.pk)
        except ServiceError as exc:
            error, status = exc.detail, exc.status
        else:
            messages.success(request, done.format(email=login.email))
            return redirect("logins")
    return render(request, template, {"login": login, "error": error}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def login_deactivate_page(request: SignedInRequest, login_id: int) -> HttpResponse:
    return _confirm_page(request, login_id, template="accounts/login_deactivate.html", act=login_deactivate,
                         done="{email} is deactivated: it cannot sign in, and its sessions and API tokens "
                              "have ended.")


@login_required
@require_http_methods(["GET", "POST"])
def login_two_factor_reset_page(request: SignedInRequest, login_id: int) -> HttpResponse:
    return _confirm_page(request, login_id, template="accounts/login_two_factor_reset.html",
                         act=login_two_factor_reset,
                         done="{email}'s two-step sign-in is reset: they set up their app again at "
                              "their next sign-in.")
