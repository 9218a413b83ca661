"""The personal links of recruiting: a colleague's nomination link, a nominee's answer link.

Both are single use. A nomination link carries the campaign and the colleague invited; an answer
link carries the candidate. Neither carries a name.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from peersupport.support.links import TAMPERED, USED, LinkKind, LinkRefused, link_was_used, open_link, sign_link

# As long as the peer's "I'd like to talk now" link (INVITATION_LINK_DAYS, 30 by default): the
# record of a used link is kept past the longest of those, so a used link stays used.
LINK_DAYS = 30

NOMINATE = LinkKind("nominate", "peersupport.recruitment.link.nominate", "recruit-nominate",
                    lambda: timedelta(days=LINK_DAYS))
ANSWER = LinkKind("candidate_answer", "peersupport.recruitment.link.answer", "recruit-answer",
                  lambda: timedelta(days=LINK_DAYS))


@dataclass(frozen=True)
class NominationLink:
    campaign_id: int
    person_id: int
    nonce: str


@dataclass(frozen=True)
class AnswerLink:
    candidate_id: int
    nonce: str


def nomination_token(*, campaign_id: int, person_id: int) -> str:
    return sign_link(NOMINATE, {"c": campaign_id, "p": person_id})


def answer_token(*, candidate_id: int) -> str:
    return sign_link(ANSWER, {"k": candidate_id})


def _ids(payload: dict[str, Any], *keys: str) -> list[int]:
    values = [payload.get(key) for key in keys]
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        raise LinkRefused(TAMPERED)
    return [int(str(value)) for value in values]


def read_nomination_link(token: str) -> NominationLink:
    """LinkRefused(TAMPERED, EXPIRED or USED) unless the link may still be used."""
    payload = open_link(NOMINATE, token)
    campaign_id, person_id = _ids(payload, "c", "p")
    if link_was_used(payload["n"]):
        raise LinkRefused(USED)
    return NominationLink(campaign_id=campaign_id, person_id=person_id, nonce=payload["n"])


def read_answer_link(token: str) -> AnswerLink:
    payload = open_link(ANSWER, token)
    (candidate_id,) = _ids(payload, "k")
    if link_was_used(payload["n"]):
        raise LinkRefused(USED)
    return AnswerLink(candidate_id=candidate_id, nonce=payload["n"])
