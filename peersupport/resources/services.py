"""Changes to a program's resource directory. Each is validated the same way and audited."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import InvalidInput
from peersupport.program.models import Program
from peersupport.resources.models import Resource, ResourceCategory


@dataclass(frozen=True)
class ResourceInput:
    name: str
    category: str
    contact: str = ""
    description: str = ""


def _cleaned(data: ResourceInput) -> dict[str, str]:
    """The fields as stored, or InvalidInput with what to fix."""
    name = " ".join((data.name or "").split())
    if not name or len(name) > 200:
        raise InvalidInput(gettext("A name is required (at most 200 characters)."))
    if data.category not in ResourceCategory.values:
        raise InvalidInput(gettext("Unknown category “%(category)s”; use one of %(categories)s.")
                           % {"category": str(data.category)[:40], "categories": ", ".join(ResourceCategory.values)})
    contact = (data.contact or "").strip()
    description = " ".join((data.description or "").split())
    if len(contact) > 200:
        raise InvalidInput(gettext("The contact is at most 200 characters."))
    if len(description) > 500:
        raise InvalidInput(gettext("The description is at most 500 characters."))
    return {"name": name, "category": data.category, "contact": contact, "description": description}


def _locked(resource_id: int, program_id: int) -> Resource:
    """The resource, locked, if it is in this program's directory (another program's is not)."""
    resource = Resource.objects.select_for_update().filter(pk=resource_id, program_id=program_id).first()
    if resource is None:
        raise InvalidInput(gettext("No resource with id %(resource_id)s in the directory.")
                           % {"resource_id": resource_id})
    return resource


def _program_of(actor: User | None, program_id: int | None) -> int:
    """The program whose directory changes: the one named, else the actor's own."""
    if program_id is not None:
        return program_id
    if actor is not None and actor.program_id is not None:
        return actor.program_id
    return Program.default().pk


def resource_create(*, actor: User | None, data: ResourceInput, program_id: int | None = None) -> Resource:
    """Add a resource to a program's directory: `program_id`'s, else the actor's own (audited)."""
    fields = _cleaned(data)
    with transaction.atomic():
        resource = Resource.objects.create(program_id=_program_of(actor, program_id), **fields)
        audit_record(actor=actor, action="resource.create", obj=resource,
                     detail={"category": data.category, "program": resource.program_id})
    return resource


def resource_update(*, actor: User, resource_id: int, data: ResourceInput) -> Resource:
    """Change a resource of the actor's program: its name, category, contact or description
    (audited, with what changed)."""
    fields = _cleaned(data)
    with transaction.atomic():
        resource = _locked(resource_id, actor.program_pk)
        changed = sorted(name for name, value in fields.items() if getattr(resource, name) != value)
        for name, value in fields.items():
            setattr(resource, name, value)
        resource.save(update_fields=[*fields])
        audit_record(actor=actor, action="resource.update", obj=resource, detail={"changed": changed})
    return resource


def _set_active(actor: User, resource_id: int, active: bool) -> Resource:
    with transaction.atomic():
        resource = _locked(resource_id, actor.program_pk)
        if resource.active != active:
            resource.active = active
            resource.save(update_fields=["active"])
            audit_record(actor=actor, action="resource.activate" if active else "resource.deactivate",
                         obj=resource)
    return resource


def resource_deactivate(*, actor: User, resource_id: int) -> Resource:
    """No longer offered: gone from the directory, the emails and the sheets; past shares keep it."""
    return _set_active(actor, resource_id, False)


def resource_reactivate(*, actor: User, resource_id: int) -> Resource:
    return _set_active(actor, resource_id, True)
