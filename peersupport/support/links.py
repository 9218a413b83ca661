"""Personal links: signed, expiring, single-purpose links that stand in for an account.

A link carries who it is for (a roster person's id), what it may do (its kind, whose signing
salt is its own, so a link made for one purpose never works for another), a random nonce, and
the time it was made. Nothing is stored when a link is made: the signature (django.core.signing,
keyed with SECRET_KEY) proves it is ours and unaltered, its age says whether it has expired, and
its nonce, recorded in `LinkUse` when a single-use link does its work, says whether it was used.

The kinds of the peer's own path:

- `ASK`: from /support/ask/, opens the self-referral form (PERSONAL_LINK_HOURS, 24 by default).
- `TALK`: "I'd like to talk now" in the emails to a peer after an earlier case (the open
  invitation, the information sheet); one confirmed click puts them back in the queue
  (INVITATION_LINK_DAYS, 30 by default: the invitation is open, the link need not stay so).

Other apps define their own kinds with `LinkKind` and use `sign_link`, `open_link`,
`link_was_used` and `use_link` (a colleague's nomination link, a supporter's RSVP, …).
"""

import secrets
from collections.abc import Callable
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


@dataclass(frozen=True)
class LinkKind:
    """One purpose of a personal link: its signing salt, how long it works, and its page.

    `name` is what `LinkUse.purpose` records (at most 20 characters); `url_name` is the page the
    link opens, which takes the token as its one argument.
    """

    name: str
    salt: str
    url_name: str
    lifetime: Callable[[], timedelta]


def sign_link(kind: LinkKind, payload: dict[str, Any]) -> str:
    """A token for `payload` (small: ids and choices, never a name), with a fresh nonce."""
    return signing.dumps({**payload, "n": secrets.token_urlsafe(16)}, salt=kind.salt)


def kind_url(kind: LinkKind, token: str) -> str:
    return f"{settings.SITE_URL}{reverse(kind.url_name, args=[token])}"


def open_link(kind: LinkKind, token: str) -> dict[str, Any]:
    """The payload of a token of this kind (with its nonce under "n"); LinkRefused(TAMPERED or
    EXPIRED) if it is not ours, was altered, was made for another kind, or is too old.

    Whether a single-use link was used is for the caller to ask (`link_was_used`): some kinds,
    such as a meeting's RSVP, may be used again until the event.
    """
    try:
        payload = signing.loads(token, salt=kind.salt, max_age=kind.lifetime())
    except signing.SignatureExpired:
        raise LinkRefused(EXPIRED) from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise LinkRefused(TAMPERED) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("n"), str) or not payload["n"]:
        raise LinkRefused(TAMPERED)
    return payload


def link_was_used(nonce: str) -> bool:
    return LinkUse.objects.filter(nonce=nonce).exists()


def use_link(kind: LinkKind, nonce: str) -> None:
    """Record a single-use link's use inside the caller's transaction; LinkRefused(USED) if it
    already was.

    The nonce is unique: of two requests using the same link at once, the second one's insert
    waits for the first to commit and then fails, so the link does its work exactly once.
    """
    try:
        with transaction.atomic():
            LinkUse.objects.create(nonce=nonce, purpose=kind.name)
    except IntegrityError:
        raise LinkRefused(USED) from None


def link_lifetime(purpose: str) -> timedelta:
    return KINDS[purpose].lifetime()


KINDS = {
    ASK: LinkKind(ASK, "peersupport.support.link.ask", "support-link",
                  lambda: timedelta(hours=settings.PERSONAL_LINK_HOURS)),
    TALK: LinkKind(TALK, "peersupport.support.link.talk", "support-talk",
                   lambda: timedelta(days=settings.INVITATION_LINK_DAYS)),
}


def make_token(purpose: str, *, person_id: int, source: str = Source.SELF.value,
               case_id: int | None = None) -> str:
    payload: dict[str, Any] = {"p": person_id}
    if purpose == ASK and source != Source.SELF:
        payload["s"] = source
    if case_id is not None:
        payload["c"] = case_id
    return sign_link(KINDS[purpose], payload)


def link_url(purpose: str, token: str) -> str:
    return kind_url(KINDS[purpose], token)


def ask_link_url(*, person_id: int, source: str) -> str:
    return link_url(ASK, make_token(ASK, person_id=person_id, source=source))


def talk_link_url(*, person_id: int, case_id: int) -> str:
    return link_url(TALK, make_token(TALK, person_id=person_id, case_id=case_id))


def read_token(purpose: str, token: str) -> PersonalLink:
    """The link a token stands for; LinkRefused(TAMPERED, EXPIRED or USED) if it may not be used."""
    link = _link_from(purpose, open_link(KINDS[purpose], token))
    if link_was_used(link.nonce):
        raise LinkRefused(USED)
    return link


def _link_from(purpose: str, payload: dict[str, Any]) -> PersonalLink:
    # Signed by us, so well formed; checked anyway, as a link made by an older version might not be.
    person_id, nonce = payload.get("p"), payload["n"]
    source, case_id = payload.get("s", Source.SELF.value), payload.get("c")
    if (
        not isinstance(person_id, int) or source not in ASK_SOURCES
        or not (case_id is None or isinstance(case_id, int))
        or (purpose == TALK and case_id is None)
    ):
        raise LinkRefused(TAMPERED)
    return PersonalLink(purpose=purpose, person_id=person_id, nonce=nonce, source=source, case_id=case_id)


def link_consume(link: PersonalLink) -> None:
    """Record the link's use inside the caller's transaction; LinkRefused(USED) if it already was."""
    use_link(KINDS[link.purpose], link.nonce)
