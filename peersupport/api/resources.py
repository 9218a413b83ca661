"""The resource directory peers are connected to."""

from ninja import Router, Status

from peersupport.accounts.requests import SignedInRequest
from peersupport.api.schemas import ResourceIn, ResourceOut, responses
from peersupport.resources.access import require_resource_manager
from peersupport.resources.models import Resource
from peersupport.resources.selectors import program_resources
from peersupport.resources.services import ResourceInput, resource_create

router = Router(tags=["resources"])


@router.get(
    "/resources",
    response=responses({200: list[ResourceOut]}),
    summary="The resource directory",
    description="Any signed-in role: the active resources of the caller's own program.",
)
def resource_list(request: SignedInRequest) -> list[Resource]:
    return list(program_resources(request.user.program_pk).filter(active=True))


@router.post(
    "/resources",
    response=responses({201: ResourceOut}, 400, 422),
    summary="Add a resource",
    description="Director, administrator: added to their own program's directory.",
)
def resource_post(request: SignedInRequest, payload: ResourceIn) -> Status[Resource]:
    require_resource_manager(request.user)
    resource = resource_create(actor=request.user, data=ResourceInput(**payload.model_dump()))
    return Status(201, resource)
