"""Referrals: intake, the referrer's receipt, and the joint assignment plan."""

from typing import Annotated, Any

from ninja import Header, Path, Router, Status

from peersupport.accounts.models import Role
from peersupport.accounts.requests import SignedInRequest
from peersupport.api.schemas import NO_NUL, PlanItemOut, ReceiptOut, ReferralIn, responses
from peersupport.cases.services import referral_plan
from peersupport.lib.errors import InvalidInput
from peersupport.referrals.access import referral_for_user, require_may_refer
from peersupport.referrals.models import Referral
from peersupport.referrals.services import ReferralInput, referral_create

router = Router(tags=["referrals"])

# Ids beyond a 64-bit integer are bad input (422), not a database error.
ReferralId = Annotated[int, Path(ge=1, le=2**63 - 1)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=NO_NUL,
        description="Required for integrations. Replaying a key with the same body answers the "
        "same referral (200) and creates nothing; with a different body, 422.",
    ),
]


@router.post(
    "/referrals",
    response=responses({201: ReceiptOut, 200: ReceiptOut}, 400, 422),
    summary="Refer the clinicians involved in one event",
    description="Referrer, director, administrator, integration (and clinicians, supporters). "
    "Answers 201 when the referral is recorded, 200 when an Idempotency-Key replay answers "
    "the referral it already recorded. An unknown employee_id answers 422 naming it.",
)
def referral_post(
    request: SignedInRequest, payload: ReferralIn, idempotency_key: IdempotencyKey = None
) -> Status[Referral]:
    require_may_refer(request.user)
    if request.user.role == Role.INTEGRATION and not idempotency_key:
        raise InvalidInput("Idempotency-Key header is required for integrations")
    event = payload.event
    preferences = payload.preferences.model_dump() if payload.preferences else {}
    referral, created = referral_create(
        referred_by=request.user,
        data=ReferralInput(
            category=event.category,
            occurred_on=event.occurred_on,
            summary=event.summary,
            interventional=event.interventional,
            external_ref=event.external_ref,
            involved_employee_ids=[item.employee_id for item in payload.involved],
            source=payload.source,
            preferences={key: value for key, value in preferences.items() if value},
        ),
        idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, referral)


@router.get(
    "/referrals/{int:referral_id}",
    response=responses({200: ReceiptOut}, 404, 422),
    summary="The receipt of a referral",
    description="For whoever made it (and program staff): that it arrived, nothing that "
    "depends on what happened afterwards.",
)
def referral_get(request: SignedInRequest, referral_id: ReferralId) -> Referral:
    return referral_for_user(request.user, referral_id)


@router.get(
    "/referrals/{int:referral_id}/plan",
    response=responses({200: list[PlanItemOut]}, 404, 422),
    summary="The best joint assignment for the referral's unassigned cases",
    description="Director, administrator. Read-only: assign each case with "
    "POST /cases/{case_id}/assignment. A case with no eligible supporter left is absent. While "
    "the program's one-peer-per-event rule is on, no supporter gets two cases of the referral, "
    "nor any case if they already support one of its assigned cases.",
)
def referral_plan_get(request: SignedInRequest, referral_id: ReferralId) -> list[dict[str, Any]]:
    _, proposal = referral_plan(actor=request.user, referral_id=referral_id)
    return [
        {
            "case_id": case_id,
            "employee_id": suggestion.employee_id,
            "name": suggestion.name,
            "score": suggestion.score,
        }
        for case_id, suggestion in sorted(proposal.items())
    ]
