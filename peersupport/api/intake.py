"""The safety-reporting system's intake: a referral, signed with a shared secret instead of a token."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.security import APIKeyHeader

from peersupport.accounts.intake_secrets import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    TOLERANCE_SECONDS,
    verify,
)
from peersupport.accounts.models import IntakeSecret
from peersupport.api.schemas import (
    ErrorOut,
    IntakeConflictOut,
    ReceiptOut,
    SafetyReportIn,
    SignatureErrorOut,
    ValidationErrorOut,
)
from peersupport.referrals.services import IntakeConflict, ReferralInput, referral_create

router = Router(tags=["safety-report intake"])


class IntakeSignature(APIKeyHeader):
    """`X-PeerSupport-Signature` over `X-PeerSupport-Timestamp` and the raw body (no token).

    Checked before the body is read as JSON, so an unsigned request learns nothing about the
    body's rules.
    """

    param_name = SIGNATURE_HEADER

    def __call__(self, request: HttpRequest) -> IntakeSecret:
        return verify(timestamp=request.headers.get(TIMESTAMP_HEADER), signature=request.headers.get(SIGNATURE_HEADER),
                      body=request.body)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover - __call__ decides
        return None


DESCRIPTION = f"""\
For the safety-reporting system. The body is the referral body of `POST /referrals`, with
`event.external_ref` required and `source` `safety_report` (the default) or `safety_report_opt_in`
(the reporter ticked “I would like a peer supporter to reach out”; `involved` then names the reporter
alone).

No token: the request is signed. `{TIMESTAMP_HEADER}` holds the Unix time in seconds;
`{SIGNATURE_HEADER}` holds `sha256=` and the hex HMAC-SHA256, under the shared intake secret
(`manage.py intake_secret --rotate`), of `"{{timestamp}}.{{raw body}}"`. A timestamp more than
{TOLERANCE_SECONDS} seconds old or ahead is refused as a replay (401), and so is a missing or wrong
signature (401); the answer names the header. The signature is checked before the body.

Idempotent by `external_ref`: the first request answers 201 with the receipt; a repeat with the
same body answers 200 with the same receipt and creates nothing, also when two arrive at once. The
same `external_ref` with a different body answers 409 with the referral's id, and changes nothing:
to refer more clinicians from one report, send them under a new `external_ref`.
"""


@router.post(
    "/intake/safety-report",
    auth=IntakeSignature(),
    response={201: ReceiptOut, 200: ReceiptOut, 400: ErrorOut, 401: SignatureErrorOut, 409: IntakeConflictOut,
              422: ValidationErrorOut, 503: ErrorOut},
    summary="Receive a referral from the safety-reporting system (signed)",
    description=DESCRIPTION,
)
def safety_report_intake(request: HttpRequest, payload: SafetyReportIn) -> Status[Any]:
    event = payload.event
    preferences = payload.preferences.model_dump() if payload.preferences else {}
    data = ReferralInput(
        category=event.category,
        occurred_on=event.occurred_on,
        summary=event.summary,
        interventional=event.interventional,
        external_ref=event.external_ref,
        involved_employee_ids=[item.employee_id for item in payload.involved],
        source=payload.source,
        preferences={key: value for key, value in preferences.items() if value},
    )
    try:
        referral, created = referral_create(referred_by=None, data=data, from_reporting_system=True)
    except IntakeConflict as conflict:
        return Status(409, {"detail": conflict.detail, "referral_id": conflict.referral_id})
    return Status(201 if created else 200, referral)
