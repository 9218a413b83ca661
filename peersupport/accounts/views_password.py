"""Forgot password, and choosing a password through an emailed link (invitation or reset).

The "Forgot password" page answers every well-formed address the same way, in the same words,
with the same status, and does the same database work for it; whether an email goes out is
decided later by the worker (`password_link_process`). After a
password is chosen the person signs in as usual, so a director or an administrator still gives
the code from their app.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods

from peersupport.accounts import sso
from peersupport.accounts.forms import ChoosePasswordForm, ForgotPasswordForm
from peersupport.accounts.links import EitherLink
from peersupport.accounts.models import User
from peersupport.accounts.services import password_link_request
from peersupport.lib.errors import InvalidInput
from peersupport.lib.middleware import client_ip


@require_http_methods(["GET", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    form = ForgotPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            password_link_request(email=form.cleaned_data["email"], client_ip=client_ip(request))
            # The same answer for a login and an unknown address, over a limit or not.
            return redirect("password-forgot-sent")
        status = InvalidInput.status
    else:
        status = 200
    return render(request, "registration/password_forgot.html",
                  {"form": form, "minutes": settings.PASSWORD_LINK_MINUTES, **sso.sign_in_context()},
                  status=status)


@require_GET
def password_forgot_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/password_forgot_sent.html")


class ChoosePasswordView(auth_views.PasswordResetConfirmView):
    """Django's view (the token leaves the address bar at once), with our service after it."""

    form_class = ChoosePasswordForm
    token_generator = EitherLink()
    template_name = "registration/password_set.html"
    success_url = reverse_lazy("password-set-done")

    def get_user(self, uidb64: str) -> User | None:
        """Only an active login chooses a password: a link sent before a deactivation stops working."""
        user = super().get_user(uidb64)
        if user is None or not user.is_active or not sso.password_allowed(user.email):
            # Deactivated since, or password sign-in is off for it (single sign-on).
            return None
        return user

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.update(sso.sign_in_context())
        return context

    def form_valid(self, form: ChoosePasswordForm) -> HttpResponse:
        from peersupport.accounts.services import password_set_from_link

        # This browser starts afresh too: whoever was signed in here signs in with the new password.
        logout(self.request)  # also forgets the link held in the session
        password_set_from_link(login=self.user, password=form.cleaned_data["new_password1"])
        return redirect(self.get_success_url())

    def form_invalid(self, form: ChoosePasswordForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = InvalidInput.status
        return response


# Django's view answers a link's page before it looks at the method: the methods are limited here.
password_set = require_http_methods(["GET", "POST"])(ChoosePasswordView.as_view())


@require_GET
def password_set_done(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/password_set_done.html")
