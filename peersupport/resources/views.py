"""The resource directory: everyone signed in reads it; the director and administrator keep it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peersupport.accounts.models import User
from peersupport.accounts.requests import SignedInRequest
from peersupport.lib.errors import InvalidInput, ServiceError
from peersupport.resources.access import require_resource_manager
from peersupport.resources.forms import ResourceForm
from peersupport.resources.models import Resource
from peersupport.resources.selectors import group_by_category
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
    resources = list(Resource.objects.order_by("name", "pk"))
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
            resource = resource_create(actor=request.user, data=form.to_input())
        except ServiceError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, f"{resource.name} is in the directory.")
            return redirect("resources")
    return _form_page(request, form, None, InvalidInput.status)


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: SignedInRequest, resource_id: int) -> HttpResponse:
    require_resource_manager(request.user)
    resource = get_object_or_404(Resource, pk=resource_id)
    if request.method == "GET":
        return _form_page(request, ResourceForm.for_resource(resource), resource, 200)
    form = ResourceForm(request.POST)
    if form.is_valid():
        try:
            resource = resource_update(actor=request.user, resource_id=resource.pk, data=form.to_input())
        except ServiceError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, f"{resource.name} is updated.")
            return redirect("resources")
    return _form_page(request, form, resource, InvalidInput.status)


@login_required
@require_POST
def resource_set_active(request: SignedInRequest, resource_id: int, active: bool) -> HttpResponse:
    require_resource_manager(request.user)
    resource = get_object_or_404(Resource, pk=resource_id)
    if active:
        resource = resource_reactivate(actor=request.user, resource_id=resource.pk)
        messages.success(request, f"{resource.name} is offered again.")
    else:
        resource = resource_deactivate(actor=request.user, resource_id=resource.pk)
        messages.success(request, f"{resource.name} is no longer offered. Past records still name it.")
    return redirect("resources")
