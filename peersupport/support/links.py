"""Personal links: signed, expiring, single-use links that stand in for an account.

A link carries who it is for (a roster person's id), what it may do (its purpose, which is also
its signing salt, so a link made for one purpose never works for another), a random nonce, and
the time it was made. Nothing is stored when a link is made: the signature (django.core.signing,
keyed with SECRET_KEY) proves it is ours and unaltered, its age says whether it has expired, and
its nonce, recorded in `LinkUse` when the link does its work, says whether it was used.

- `ASK`: from /support/ask/, opens the self-referral form (PERSONAL_LINK_HOURS, 24 by default).
- `TALK`: "I'd like to talk now" in the emails to a peer after an earlier case (the open
  invitation, the information sheet); one confirmed click puts them back in the queue
  (INVITATION_LINK_DAYS, 30 by default: the invitation is open, the link need not stay so).
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from peersupport.referrals.models import Source
from peersupport.support.models import LinkUse

ASK = "ask"
TALK = "talk"
SALTS = {ASK: "peersupport.support.link.ask", TALK: "peersupport.support.link.talk"}
URL_NAMES = {ASK: "support-link", TALK: "support-talk"}
# The sources a request through the public path may carry into its referral.
ASK_SOURCES = (Source.SELF.value, Source.SAFETY_REPORT_OPT_IN.value)

# Why a link did not work; each has its own kind sentence on the page.
TAMPERED = "tampered"
EXPIRED = "expired"
USED = "used"


class LinkRefused(Exception):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class PersonalLink:
    purpose: str
    person_id: int
    nonce: str
    source: str = Source.SELF.value
    case_id: int | None = None


def link_lifetime(purpose: str) -> timedelta:
    if purpose == TALK:
        return timedelta(days=settings.INVITATION_LINK_DAYS)
    return timedelta(hours=settings.PERSONAL_LINK_HOURS)


def make_token(purpose: str, *, person_id: int, source: str = Source.SELF.value,
               case_id: int | None = None) -> str:
    payload: dict[str, Any] = {"p": person_id, "n": secrets.token_urlsafe(16)}
    if purpose == ASK and source != Source.SELF:
        payload["s"] = source
    if case_id is not None:
        payload["c"] = case_id
    return signing.dumps(payload, salt=SALTS[purpose])


def link_url(purpose: str, token: str) -> str:
    return f"{settings.SITE_URL}{reverse(URL_NAMES[purpose], args=[token])}"


def ask_link_url(*, person_id: int, source: str) -> str:
    return link_url(ASK, make_token(ASK, person_id=person_id, source=source))


def talk_link_url(*, person_id: int, case_id: int) -> str:
    return link_url(TALK, make_token(TALK, person_id=person_id, case_id=case_id))


def read_token(purpose: str, token: str) -> PersonalLink:
    """The link a token stands for; LinkRefused(TAMPERED, EXPIRED or USED) if it may not be used."""
    try:
        payload = signing.loads(token, salt=SALTS[purpose], max_age=link_lifetime(purpose))
    except signing.SignatureExpired:
        raise LinkRefused(EXPIRED) from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise LinkRefused(TAMPERED) from None
    link = _link_from(purpose, payload)
    if LinkUse.objects.filter(nonce=link.nonce).exists():
        raise LinkRefused(USED)
    return link


def _link_from(purpose: str, payload: Any) -> PersonalLink:
    # Signed by us, so well formed; checked anyway, as a link made by an older version might not be.
    if not isinstance(payload, dict):
        raise LinkRefused(TAMPERED)
    person_id, nonce = payload.get("p"), payload.get("n")
    source, case_id = payload.get("s", Source.SELF.value), payload.get("c")
    if (
        not isinstance(person_id, int) or not isinstance(nonce, str) or not nonce
        or source not in ASK_SOURCES or not (case_id is None or isinstance(case_id, int))
        or (purpose == TALK and case_id is None)
    ):
        raise LinkRefused(TAMPERED)
    return PersonalLink(purpose=purpose, person_id=person_id, nonce=nonce, source=source, case_id=case_id)


def link_consume(link: PersonalLink) -> None:
    """Record the link's use inside the caller's transaction; LinkRefused(USED) if it already was.

    The nonce is unique: of two requests using the same link at once, the second one's insert
    waits for the first to commit and then fails, so the link does its work exactly once.
    """
    try:
        with transaction.atomic():
            LinkUse.objects.create(nonce=link.nonce, purpose=link.purpose)
    except IntegrityError:
        raise LinkRefused(USED) from None
