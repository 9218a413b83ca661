"""The roster: people (from HR feeds or by hand) and supporters."""

from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Path, Router, Status

from peersupport.accounts.requests import SignedInRequest
from peersupport.api.schemas import (
    NO_NUL,
    BatchOut,
    PeopleBatchIn,
    PersonIn,
    PersonOut,
    SupporterIn,
    SupporterOut,
    SupportersBatchIn,
    responses,
)
from peersupport.roster.access import (
    person_for_user,
    refuse_another_programs_person,
    require_roster_writer,
    require_supporter_manager,
)
from peersupport.roster.models import Person, Supporter
from peersupport.roster.services import (
    BatchCounts,
    PersonInput,
    SupporterInput,
    people_upsert_batch,
    person_upsert,
    supporter_upsert,
    supporters_upsert_batch,
)

router = Router(tags=["roster"])

# As on the roster: at most 40 characters, never a NUL (422, not a database error).
EmployeeIdPath = Annotated[str, Path(min_length=1, max_length=40, pattern=NO_NUL, examples=["E1042"])]

ALL_OR_NOTHING = (
    " Answers the numbers created, updated and unchanged (an item equal to what is stored is left "
    "as it is). All or nothing: if any item is invalid, the answer is 422 naming each bad item by "
    "index and field in `errors` (`loc` is [list, index, field]), and nothing changes. An "
    "employee_id twice in one batch is an error for the later item."
)


def _person_input(payload: PersonIn) -> PersonInput:
    fields = payload.model_dump(exclude={"employee_id"})
    if fields["race_ethnicity"] is not None:
        fields["race_ethnicity"] = tuple(fields["race_ethnicity"])
    return PersonInput(**fields)


# The batches come before /people/{employee_id}, so that "batch" is never read as an employee id.
@router.post(
    "/people/batch",
    response=responses({200: BatchOut}, 400, 422),
    summary="Create or update many people",
    description="Director, administrator, integration. Up to 1,000 people a call, each the body of "
    "`PUT /people/{employee_id}` with its `employee_id`, under the same rules. A supervisor may be "
    "named later in the same batch or already be on the roster; any other is an error for that item."
    + ALL_OR_NOTHING,
)
def people_batch(request: SignedInRequest, payload: PeopleBatchIn) -> BatchCounts:
    require_roster_writer(request.user)
    items = [(item.employee_id, _person_input(item)) for item in payload.people]
    return people_upsert_batch(actor=request.user, items=items)


@router.post(
    "/supporters/batch",
    response=responses({200: BatchOut}, 400, 422),
    summary="Make or update many supporters",
    description="Director, administrator. Up to 1,000 supporter records a call, each the body of "
    "`PUT /supporters/{employee_id}` with its `employee_id`, under the same rules. An employee_id not "
    "on the roster is an error for that item." + ALL_OR_NOTHING,
)
def supporters_batch(request: SignedInRequest, payload: SupportersBatchIn) -> BatchCounts:
    require_supporter_manager(request.user)
    items = []
    for item in payload.supporters:
        fields = item.model_dump(exclude={"employee_id"})
        fields["experience"] = tuple(fields["experience"])
        items.append((item.employee_id, SupporterInput(**fields)))
    return supporters_upsert_batch(actor=request.user, items=items)


@router.put(
    "/people/{employee_id}",
    response=responses({200: PersonOut, 201: PersonOut}, 400, 404, 422),
    summary="Create or update a person",
    description="Director, administrator, integration. 201 when created, 200 when updated; 404 for "
    "a director or administrator when the person is another program's. "
    "`gender`, `race_ethnicity` and `age_band` are the person's own answers about themself (from "
    "the HR system that holds them), optional; omitted, what is stored stays. `gender` is answered "
    "back (the matching reads it for a peer's wish); `race_ethnicity` and `age_band` never are.",
)
def person_put(request: SignedInRequest, employee_id: EmployeeIdPath, payload: PersonIn) -> Status[Person]:
    require_roster_writer(request.user)
    refuse_another_programs_person(request.user, employee_id)
    person, created = person_upsert(
        actor=request.user, employee_id=employee_id, data=_person_input(payload)
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
    response=responses({200: SupporterOut, 201: SupporterOut}, 400, 404, 422),
    summary="Make or update a supporter",
    description="Director, administrator. The person must be on the roster (else 422), and of the "
    "caller's program (else 404). "
    "201 when the person becomes a supporter, 200 when updated.",
)
def supporter_put(
    request: SignedInRequest, employee_id: EmployeeIdPath, payload: SupporterIn
) -> Status[Supporter]:
    require_supporter_manager(request.user)
    refuse_another_programs_person(request.user, employee_id)
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
        Supporter.objects.select_related("person"), person__employee_id=employee_id,
        person__program_id=request.user.program_id,
    )
