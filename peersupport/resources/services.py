"""Changes to the resource directory."""

from dataclasses import dataclass

from django.db import transaction

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import InvalidInput
from peersupport.resources.models import Resource, ResourceCategory


@dataclass(frozen=True)
class ResourceInput:
    name: str
    category: str
    contact: str = ""
    description: str = ""


def resource_create(*, actor: User, data: ResourceInput) -> Resource:
    """Add a resource to the directory (audited)."""
    name = " ".join((data.name or "").split())
    if not name or len(name) > 200:
        raise InvalidInput("A name is required (at most 200 characters).")
    if data.category not in ResourceCategory.values:
        raise InvalidInput(
            f"Unknown category {data.category!r}; use one of {', '.join(ResourceCategory.values)}."
        )
    contact = (data.contact or "").strip()
    description = " ".join((data.description or "").split())
    if len(contact) > 200:
        raise InvalidInput("contact is at most 200 characters.")
    if len(description) > 500:
        raise InvalidInput("description is at most 500 characters.")
    with transaction.atomic():
        resource = Resource.objects.create(
            name=name, category=data.category, contact=contact, description=description
        )
        audit_record(actor=actor, action="resource.create", obj=resource,
                     detail={"category": data.category})
    return resource
