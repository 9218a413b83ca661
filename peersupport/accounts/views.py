"""The second sign-in step: give the code, or enroll an authenticator app the first time."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods

from peersupport.accounts.forms import CodeForm
from peersupport.accounts.requests import SignedInRequest
from peersupport.accounts.two_factor import (
    CodeCheck,
    check_code,
    confirmed_device,
    mark_verified,
    pending_device,
    qr_svg,
    requires_two_factor,
    second_step_pending,
    secret_text,
)
from peersupport.audit.services import audit_record
from peersupport.lib.errors import InvalidInput

WRONG_CODE = "That code is not right. Type the code your app shows now (it changes every 30 seconds)."


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next")
    if not target:
        return url
    return f"{url}?{urlencode({'next': target})}"


def _refusal(form: CodeForm, result: CodeCheck) -> None:
    if result.wait_until is not None:
        seconds = max(1, int((result.wait_until - timezone.now()).total_seconds()) + 1)
        form.add_error("code", ngettext(
            "Too many wrong codes. Wait %(seconds)s second, then type the code your app shows.",
            "Too many wrong codes. Wait %(seconds)s seconds, then type the code your app shows.", seconds)
            % {"seconds": seconds})
    else:
        form.add_error("code", WRONG_CODE)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: SignedInRequest) -> HttpResponse:
    user = request.user
    if not second_step_pending(user, request.session):
        return redirect(_next_url(request))
    device = confirmed_device(user)
    if device is None:
        return redirect(_with_next(reverse("two-factor-enroll"), request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = check_code(device, form.cleaned_data["code"])
            if result.ok:
                mark_verified(request, device)
                audit_record(actor=user, action="two_factor.verify", obj=user)
                return redirect(_next_url(request))
            audit_record(actor=user, action="two_factor.refuse", obj=user,
                         detail={"throttled": result.wait_until is not None})
            _refusal(form, result)
        status = InvalidInput.status
    return render(request, "accounts/two_factor.html",
                  {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enroll(request: SignedInRequest) -> HttpResponse:
    user = request.user
    if not requires_two_factor(user):
        return redirect(_next_url(request))
    if confirmed_device(user) is not None:
        # Enrolling again would let a stolen password replace the phone: an operator resets it.
        return redirect(_with_next(reverse("two-factor"), request))
    device = pending_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = check_code(device, form.cleaned_data["code"])
            if result.ok:
                device.refresh_from_db()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                mark_verified(request, device)
                audit_record(actor=user, action="two_factor.enrol", obj=user)
                messages.success(request, gettext("Two-step sign-in is set up. Next time, the code from your app "
                                          "is asked after your password."))
                return redirect(_next_url(request))
            _refusal(form, result)
        status = InvalidInput.status
    context = {
        "form": form,
        "qr_svg": qr_svg(device),
        "secret": secret_text(device),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "accounts/two_factor_enroll.html", context, status=status)
