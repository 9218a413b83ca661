"""The roster: people (from HR feeds or by hand) and supporters."""

from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Path, Router, Status

from peersupport.accounts.requests import SignedInRequest
from peersupport.api.schemas import NO_NUL, PersonIn, PersonOut, SupporterIn, SupporterOut, responses
from peersupport.roster.access import (
    person_for_user,
    require_roster_writer,
    require_supporter_manager,
)
from peersupport.roster.models import Person, Supporter
from peersupport.roster.services import (
    PersonInput,
    SupporterInput,
    person_upsert,
    supporter_upsert,
)

router = Router(tags=["roster"])

# As on the roster: at most 40 characters, never a NUL (422, not a database error).
EmployeeIdPath = Annotated[str, Path(min_length=1, max_length=40, pattern=NO_NUL, examples=["E1042"])]


@router.put(
    "/people/{employee_id}",
    response=responses({200: PersonOut, 201: PersonOut}, 400, 422),
    summary="Create or update a person",
    description="Director, administrator, integration. 201 when created, 200 when updated.",
)
def person_put(request: SignedInRequest, employee_id: EmployeeIdPath, payload: PersonIn) -> Status[Person]:
    require_roster_writer(request.user)
    person, created = person_upsert(
        actor=request.user, employee_id=employee_id, data=PersonInput(**payload.model_dump())
    )
    return Status(201 if created else 200, person)


@router.get(
    "/people/{employee_id}",
    response=responses({200: PersonOut}, 404, 422),
    summary="A person on the roster",
    description="Director, administrator.",
)
def person_get(request: SignedInRequest, employee_id: EmployeeIdPath) -> Person:
    return person_for_user(request.user, employee_id)


@router.put(
    "/supporters/{employee_id}",
    response=responses({200: SupporterOut, 201: SupporterOut}, 400, 422),
    summary="Make or update a supporter",
    description="Director, administrator. The person must be on the roster (else 422). "
    "201 when the person becomes a supporter, 200 when updated.",
)
def supporter_put(
    request: SignedInRequest, employee_id: EmployeeIdPath, payload: SupporterIn
) -> Status[Supporter]:
    require_supporter_manager(request.user)
    fields = payload.model_dump()
    fields["experience"] = tuple(fields["experience"])
    supporter, created = supporter_upsert(
        actor=request.user, employee_id=employee_id, data=SupporterInput(**fields)
    )
    return Status(201 if created else 200, supporter)


@router.get(
    "/supporters/{employee_id}",
    response=responses({200: SupporterOut}, 404, 422),
    summary="A supporter (extension)",
    description="Director, administrator.",
)
def supporter_get(request: SignedInRequest, employee_id: EmployeeIdPath) -> Supporter:
    require_supporter_manager(request.user)
    return get_object_or_404(
        Supporter.objects.select_related("person"), person__employee_id=employee_id
    )
