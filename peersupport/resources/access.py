"""The access gate for the resource directory: all signed in read their own program's, program
staff keep it. Another program's resource is, for them, one that does not exist (404)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from peersupport.accounts.models import PROGRAM_STAFF, User
from peersupport.lib.errors import InvalidInput
from peersupport.resources.models import Resource

# A resource offered on a case must be the case's program's: a supporter shared with another
# hospital offers the peer that hospital's resources.
NOT_THE_CASES_PROGRAM = gettext_lazy(
    "This resource is in another hospital's directory. Offer one from the peer's own program's resources.")


def require_resource_manager(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in PROGRAM_STAFF:
        raise PermissionDenied(gettext("Only the program's director and administrator manage resources."))


def resource_for_manager(user: User, resource_id: int) -> Resource:
    """A resource of this director's or administrator's own program, else 404."""
    require_resource_manager(user)
    resource = Resource.objects.filter(pk=resource_id, program_id=user.program_pk).first()
    if resource is None:
        raise Http404(gettext("No such resource."))
    return resource


def resources_for_case(program_id: int, resource_ids: list[int]) -> list[Resource]:
    """The offered resources with these ids, each of the case's program (`program_id`), in the
    order a sheet lists them; InvalidInput naming the first id that is not one."""
    found = {r.pk: r for r in Resource.objects.filter(pk__in=resource_ids, active=True)}
    for resource_id in resource_ids:
        resource = found.get(resource_id)
        if resource is None:
            raise InvalidInput(gettext("No resource with id %(resource_id)s in the directory.")
                               % {"resource_id": resource_id})
        if resource.program_id != program_id:
            raise InvalidInput(str(NOT_THE_CASES_PROGRAM))
    return sorted(found.values(), key=lambda r: (r.category, r.name, r.pk))
