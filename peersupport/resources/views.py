"""A program's resource directory: everyone signed in reads their own program's; its director and
administrator keep it. Another program's resource answers 404, as one that does not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peersupport.accounts.models import User
from peersupport.accounts.requests import SignedInRequest
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.resources.access import require_resource_manager, resource_for_manager
from peersupport.resources.forms import ResourceForm
from peersupport.resources.models import Resource
from peersupport.resources.selectors import group_by_category, program_resources
from peersupport.resources.services import (
    resource_create,
    resource_deactivate,
    resource_reactivate,
    resource_update,
)


def _may_manage(user: User) -> bool:
    try:
        require_resource_manager(user)
    except PermissionDenied:
        return False
    return True


@login_required
@require_GET
def resource_list(request: SignedInRequest) -> HttpResponse:
    manager = _may_manage(request.user)
    resources = list(program_resources(request.user.program_pk).order_by("name", "pk"))
    context = {
        "groups": group_by_category(r for r in resources if r.active),
        "retired": [r for r in resources if not r.active] if manager else [],
        "manager": manager,
    }
    return render(request, "resources/list.html", context)


def _form_page(request: HttpRequest, form: ResourceForm, resource: Resource | None, status: int) -> HttpResponse:
    return render(request, "resources/form.html", {"form": form, "resource": resource}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def resource_new(request: SignedInRequest) -> HttpResponse:
    require_resource_manager(request.user)
    if request.method == "GET":
        return _form_page(request, ResourceForm(), None, 200)
    form = ResourceForm(request.POST)
    if form.is_valid():
        try:
            resource = resource_create(actor=request.user, data=form.to_input(),
                                       program_id=request.user.program_pk)
        except ServiceError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("%(name)s is in the directory.") % {"name": resource.name})
            return redirect("resources")
    return _form_page(request, form, None, InvalidInput.status)


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: SignedInRequest, resource_id: int) -> HttpResponse:
    resource = resource_for_manager(request.user, resource_id)
    if request.method == "GET":
        return _form_page(request, ResourceForm.for_resource(resource), resource, 200)
    form = ResourceForm(request.POST)
    if form.is_valid():
        try:
            resource = resource_update(actor=request.user, resource_id=resource.pk, data=form.to_input())
        except ServiceError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("%(name)s is updated.") % {"name": resource.name})
            return redirect("resources")
    return _form_page(request, form, resource, InvalidInput.status)


@login_required
@require_POST
def resource_set_active(request: SignedInRequest, resource_id: int, active: bool) -> HttpResponse:
    resource = resource_for_manager(request.user, resource_id)
    if active:
        resource = resource_reactivate(actor=request.user, resource_id=resource.pk)
        messages.success(request, _("%(name)s is offered again.") % {"name": resource.name})
    else:
        resource = resource_deactivate(actor=request.user, resource_id=resource.pk)
        messages.success(request, _("%(name)s is no longer offered. Past records still name it.")
                         % {"name": resource.name})
    return redirect("resources")
