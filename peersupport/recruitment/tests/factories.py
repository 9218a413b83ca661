"""Factories of recruiting, for its tests and the access tests."""

from typing import Any

from peersupport.accounts.models import User
from peersupport.recruitment.invitation import DEFAULT_BODY, DEFAULT_SUBJECT
from peersupport.recruitment.models import Candidate
from peersupport.recruitment.selectors import Audience
from peersupport.recruitment.services import CampaignInput, campaign_create
from peersupport.roster.models import Person


def recruit_campaign_body(**fields: Any) -> dict[str, Any]:
    """A valid form body for a new or edited campaign (everyone the program serves)."""
    body: dict[str, Any] = {"name": "Spring nominations", "audience_kind": "served", "subject": DEFAULT_SUBJECT,
                            "body": DEFAULT_BODY}
    body.update(fields)
    return body


def make_campaign(actor: User, audience: Audience | None = None, **fields: Any) -> Any:
    data = CampaignInput(name=fields.get("name", "Spring nominations"), audience=audience or Audience(kind="served"),
                         subject=fields.get("subject", DEFAULT_SUBJECT), body=fields.get("body", DEFAULT_BODY))
    return campaign_create(actor=actor, data=data)


def make_candidate(person: Person, **fields: Any) -> Candidate:
    return Candidate.objects.create(person=person, **fields)
