"""The API's request and response bodies. Inputs reject unknown fields and wrong types (422)."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr

from peersupport.cases.actions import MAX_ENCOUNTER_MINUTES
from peersupport.cases.models import (
    Case,
    CaseState,
    DeclineReason,
    Encounter,
    EncounterMode,
    GuideTopic,
    OutreachChannel,
    OverrideReason,
    ResourceShare,
    Response,
)
from peersupport.referrals.models import (
    SUMMARY_MAX_LENGTH,
    Category,
    GenderPreference,
    HospitalPreference,
    Referral,
    Source,
)
from peersupport.referrals.services import EVENT_MAX_AGE_YEARS
from peersupport.resources.models import ResourceCategory
from peersupport.roster.models import (
    AgeBand,
    Experience,
    Gender,
    Person,
    RaceEthnicity,
    RoleType,
    Supporter,
    SupporterStatus,
)

# No NUL character (\u0000) in any text: PostgreSQL cannot store one, and no one types one.
NO_NUL = r"^[^\x00]*$"

# JSON strings (a number is never coerced into one) of bounded length, without a NUL.
Text40 = Annotated[StrictStr, Field(max_length=40, pattern=NO_NUL)]
Text100 = Annotated[StrictStr, Field(max_length=100, pattern=NO_NUL)]
Text200 = Annotated[StrictStr, Field(max_length=200, pattern=NO_NUL)]
Text254 = Annotated[StrictStr, Field(max_length=254, pattern=NO_NUL)]
Text500 = Annotated[StrictStr, Field(max_length=500, pattern=NO_NUL)]
Name = Annotated[StrictStr, Field(min_length=1, max_length=200, pattern=NO_NUL)]
Summary = Annotated[
    StrictStr,
    Field(min_length=1, max_length=SUMMARY_MAX_LENGTH, pattern=NO_NUL,
          description="One non-clinical sentence, no patient details."),
]
EmployeeId = Annotated[StrictStr, Field(min_length=1, max_length=40, pattern=NO_NUL, examples=["E1042"])]


class Input(Schema):
    # Unknown fields are refused rather than silently dropped; enums arrive as plain strings.
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


# Errors ------------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: str = Field(description="One readable sentence naming every offending field.")
    errors: list[FieldError] | None = None


# Roster ------------------------------------------------------------------------------------


class PersonIn(Input):
    name: Name
    email: Text254 = ""
    phone: Text40 = ""
    role_type: RoleType = RoleType.PHYSICIAN
    specialty: Text100 = ""
    department: Text100 = ""
    rank: Annotated[StrictInt, Field(ge=1, le=5, description="1 (trainee) to 5 (chief/leader)")] = 3
    interventional: StrictBool = False
    supervisor_employee_id: EmployeeId | None = None
    site: Text100 = ""
    active: StrictBool = True
    # Self-identification (docs/team.md, "A diverse team"): shown only as counts; race and
    # ethnicity and the age band are write-only.
    gender: Annotated[Gender | Literal[""] | None, Field(description=(
        "Self-identified, as the person told the HR system. Omitted or null leaves what is stored "
        "(the person may have answered on their own \"About me\" page); \"\" clears it. Answered "
        "back by the roster API, as it always was, since the matching reads it for a peer's wish "
        "about their supporter's gender; the program's pages show it only as counts."))] = None
    race_ethnicity: Annotated[list[RaceEthnicity] | None, Field(max_length=len(RaceEthnicity.values), description=(
        "Self-identified: one or more of the US federal categories, or `prefer_not_to_say` alone. "
        "Omitted or null leaves what is stored; [] clears it. Never returned."))] = None
    age_band: Annotated[AgeBand | Literal[""] | None, Field(description=(
        "Self-identified. Omitted or null leaves what is stored; \"\" clears it. Never returned."))] = None
    language: Annotated[Literal["en", "es"] | None, Field(description=(
        "The language the program writes to the person in (emails, texts) and their pages follow: "
        "\"en\" (English) or \"es\" (Spanish). Omitted or null leaves what is stored (the person may "
        "have chosen it themself); someone new is written to in English."))] = None


class PersonOut(Schema):
    employee_id: str
    name: str
    email: str
    phone: str
    role_type: str
    specialty: str
    department: str
    rank: int
    interventional: bool
    supervisor_employee_id: str | None
    site: str
    # Gender is also a matching fact (a peer may wish for a supporter of a gender), and the roster
    # API has always answered it; race and ethnicity and the age band are never answered back.
    gender: str
    # "en" or "es": the language the program writes to the person in.
    language: str
    active: bool
    updated_at: datetime

    @staticmethod
    def resolve_supervisor_employee_id(obj: Person) -> str | None:
        return obj.supervisor.employee_id if obj.supervisor is not None else None


class SupporterIn(Input):
    status: SupporterStatus
    capacity: Annotated[StrictInt, Field(ge=0, le=20)] | None = Field(
        None, description="Most cases at once; null means the program's default."
    )
    trained_on: date | None = None
    experience: Annotated[list[Experience], Field(max_length=len(Experience.values))] = []
    paused_until: date | None = None
    on_call: StrictBool = False


class SupporterOut(Schema):
    employee_id: str
    name: str
    status: str
    capacity: int | None
    trained_on: date | None
    experience: list[str]
    paused_until: date | None
    on_call: bool

    @staticmethod
    def resolve_employee_id(obj: Supporter) -> str:
        return obj.person.employee_id

    @staticmethod
    def resolve_name(obj: Supporter) -> str:
        return obj.person.name


class PersonBatchItem(PersonIn):
    employee_id: EmployeeId


class PeopleBatchIn(Input):
    people: Annotated[list[PersonBatchItem], Field(max_length=1000, description=(
        "Up to 1,000 people: each the body of `PUT /people/{employee_id}` with its `employee_id`."))]


class SupporterBatchItem(SupporterIn):
    employee_id: EmployeeId


class SupportersBatchIn(Input):
    supporters: Annotated[list[SupporterBatchItem], Field(max_length=1000, description=(
        "Up to 1,000 supporter records: each the body of `PUT /supporters/{employee_id}` with its "
        "`employee_id`."))]


class BatchOut(Schema):
    created: int
    updated: int
    unchanged: int = Field(description="Items equal to the record already stored: left as they are.")


# Referrals ---------------------------------------------------------------------------------


class EventIn(Input):
    category: Category
    occurred_on: Annotated[date, Field(description="Not after today in the program's time zone, and "
                                                   f"at most {EVENT_MAX_AGE_YEARS} years ago.")]
    summary: Annotated[Summary, Field(description=(
        "One non-clinical sentence (at most 200 characters) saying what kind of event it was. "
        "Refused (422, with each problem in `errors`) if it carries patient details: names, record "
        "or other long numbers, dates, exact ages, doses, bed or room numbers, or a second sentence."
    ))]
    interventional: StrictBool = False
    external_ref: Annotated[Text100, Field(description=(
        "The safety report's own reference. It must match the program's EXTERNAL_REF_PATTERN "
        "(by default letters, digits and - _ / . only, at most 40 characters)."
    ), examples=["SR-2291"])] = ""


class InvolvedIn(Input):
    employee_id: EmployeeId


class PreferencesIn(Input):
    """A self-referral's own wishes for their supporter (source `self` only; any other source
    with wishes answers 422). Each from a fixed list, never free text."""

    gender: GenderPreference | Literal[""] | None = None
    specialty: Annotated[Text100, Field(description=(
        "One of the specialties of the program's active supporters (the self-referral form "
        "lists them); empty for no preference."
    ))] = ""
    role_type: RoleType | None = None
    hospital: HospitalPreference | Literal[""] | None = Field(default=None, description=(
        "`outside`: the clinician would rather talk with a supporter from another hospital of the "
        "system; the other programs' supporters who agreed to be shared are then suggested too. "
        "Empty for no preference."
    ))


class ReferralIn(Input):
    event: EventIn
    involved: Annotated[list[InvolvedIn], Field(min_length=1, max_length=500)]
    source: Source
    preferences: PreferencesIn | None = None


class SafetyReportEventIn(EventIn):
    external_ref: Annotated[Text100, Field(min_length=1, description=(
        "Required: the safety report's own reference. A repeat with the same reference and the same "
        "body answers the referral it made (200); with a different body, 409. It must match the "
        "program's EXTERNAL_REF_PATTERN (by default letters, digits and - _ / . only, at most 40 "
        "characters)."
    ), examples=["SR-2291"])]


class SafetyReportIn(Input):
    """The referral body of `POST /referrals`, from the safety-reporting system."""

    event: SafetyReportEventIn
    involved: Annotated[list[InvolvedIn], Field(min_length=1, max_length=500)]
    source: Annotated[Literal["safety_report", "safety_report_opt_in"], Field(description=(
        "`safety_report_opt_in` when the reporter ticked “I would like a peer supporter to reach "
        "out”: then `involved` names the reporter alone, and `preferences` may carry their wishes."
    ))] = "safety_report"
    preferences: PreferencesIn | None = None


class SignatureErrorOut(Schema):
    detail: str
    header: str = Field(description="The header that is missing or wrong.")


class IntakeConflictOut(Schema):
    detail: str
    referral_id: int = Field(description="The referral the external_ref already made.")


class ReceiptOut(Schema):
    """What a referrer sees: that the referral arrived. Never what happened afterwards."""

    referral_id: int
    received_at: datetime
    involved_count: int

    @staticmethod
    def resolve_referral_id(obj: Referral) -> int:
        return obj.pk


# Cases -------------------------------------------------------------------------------------


class PeerOut(Schema):
    employee_id: str
    name: str
    email: str
    phone: str


class EventOut(Schema):
    category: str
    summary: str
    interventional: bool
    occurred_on: date


class SupporterRef(Schema):
    employee_id: str
    name: str


class CaseOut(Schema):
    case_id: int
    referral_id: int
    peer: PeerOut | None = Field(
        description="Null once the retention purge has removed the case's identifying details.")
    event: EventOut
    state: CaseState
    supporter: SupporterRef | None
    next_due_at: datetime | None = Field(description="When the next step is due.")
    next_step: str = Field(description="The step that is due next, e.g. 'first outreach'.")

    @staticmethod
    def resolve_case_id(obj: Case) -> int:
        return obj.pk

    @staticmethod
    def resolve_event(obj: Case) -> Referral:
        return obj.referral  # the event is stored with the referral

    @staticmethod
    def resolve_supporter(obj: Case) -> Person | None:
        return obj.supporter.person if obj.supporter is not None else None


class EncounterOut(Schema):
    """That a conversation happened. There is no field for what was said, by design."""

    id: int
    held_on: date
    minutes: int
    mode: EncounterMode
    topics: list[GuideTopic] = Field(description="The conversation guide's topics covered, in guide order.")
    follow_up_planned: bool
    recorded_at: datetime


class ResourceShareOut(Schema):
    resource_id: int
    name: str
    category: str
    facilitated: bool = Field(description="A warm hand-off, not just the contact details.")
    shared_at: datetime

    @staticmethod
    def resolve_name(obj: ResourceShare) -> str:
        return obj.resource.name

    @staticmethod
    def resolve_category(obj: ResourceShare) -> str:
        return obj.resource.category


class CaseDetailOut(CaseOut):
    """One case with what the supporter has recorded on it (extensions to the contract)."""

    outreach_attempts: int = Field(description="How many times the supporter tried to reach the peer.")
    responded_at: datetime | None = Field(
        description="When the peer accepted or declined, or was found unreachable.")
    closed_at: datetime | None
    legal_hold: bool = Field(description="Set by the director: the retention purge leaves the case as it is.")
    purged_at: datetime | None = Field(
        description="When the identifying details were removed, after the program's retention period.")
    encounters: list[EncounterOut]
    resources: list[ResourceShareOut] = Field(description="Resources shared with the peer or connected to.")

    @staticmethod
    def resolve_outreach_attempts(obj: Case) -> int:
        return obj.outreach_attempts.count()

    @staticmethod
    def resolve_encounters(obj: Case) -> list[Encounter]:
        return list(obj.encounters.all())

    @staticmethod
    def resolve_resources(obj: Case) -> list[ResourceShare]:
        return list(obj.resource_shares.select_related("resource"))


class SuggestionOut(Schema):
    employee_id: str
    name: str
    score: float
    reasons: list[str]


class PlanItemOut(Schema):
    case_id: int
    employee_id: str
    name: str
    score: float


class AssignmentIn(Input):
    supporter: EmployeeId
    override_reason: OverrideReason | None = Field(
        None,
        description="Required when the supporter is not among the top suggestions: one of a fixed list of "
        "reasons (never free text, so nothing about the peer can be written into the record).",
    )
    reassign: StrictBool = Field(False, description="Replace the supporter already on the case.")


# Supporter actions -------------------------------------------------------------------------

ResourceId = Annotated[StrictInt, Field(ge=1, le=2**63 - 1)]


class OutreachIn(Input):
    channel: OutreachChannel
    send_email: StrictBool = Field(
        False, description='With `"channel": "email"`: the program emails the peer the warm note, '
        "replies going to the supporter, under a neutral subject.")


class ResponseIn(Input):
    response: Response


class EncounterIn(Input):
    """Structured fields only: there is no field for notes, and any other field answers 422."""

    held_on: date = Field(description="Not in the future, not before the event.")
    minutes: Annotated[StrictInt, Field(ge=1, le=MAX_ENCOUNTER_MINUTES)]
    mode: EncounterMode
    topics: Annotated[list[GuideTopic], Field(max_length=len(GuideTopic.values))] = []
    follow_up_planned: StrictBool = False


class ResourceShareIn(Input):
    resource_id: ResourceId
    facilitated: StrictBool = Field(False, description="A warm hand-off rather than information only.")


class EmptyIn(Input):
    """An empty object: `{}`. Any field answers 422."""


class LegalHoldIn(Input):
    legal_hold: StrictBool = Field(
        description="true: the retention purge leaves the case as it is until the hold is lifted.")


class HandBackIn(Input):
    reason: DeclineReason


class HandBackOut(Schema):
    """Only this much: once handed back, the case is no longer the supporter's to see."""

    case_id: int
    state: CaseState

    @staticmethod
    def resolve_case_id(obj: Case) -> int:
        return obj.pk


class SafetyEscalationOut(Schema):
    escalation_id: int
    case_id: int
    raised_at: datetime


class InformationSheetIn(Input):
    resource_ids: Annotated[list[ResourceId], Field(min_length=1, max_length=50)]


class InformationSheetOut(Schema):
    case_id: int
    resource_ids: list[int] = Field(description="The resources on the sheet, as queued for sending.")


# Resources ---------------------------------------------------------------------------------


class ResourceIn(Input):
    name: Name
    category: ResourceCategory
    contact: Text200 = ""
    description: Text500 = ""


class ResourceOut(Schema):
    id: int
    name: str
    category: str
    contact: str
    description: str


def responses(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """An operation's documented answers: its success bodies, 401, 403 and the given errors."""
    return {
        **ok,
        **{code: ValidationErrorOut if code == 422 else ErrorOut for code in (401, 403, *errors)},
    }
