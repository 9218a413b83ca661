"""The personal link in the follow-up email after a group debrief: anyone invited asks for
one-to-one support with it, without an account.

A link of the support app's kind (`peersupport.support.links`): signed, single-purpose (its own
salt), expiring after INVITATION_LINK_DAYS, and used once (its nonce recorded in `LinkUse`).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from peersupport.support.links import TAMPERED, LinkKind, LinkRefused, kind_url, link_was_used, open_link, sign_link
from peersupport.support.links import USED as LINK_USED

FOLLOW_UP = LinkKind("debrief_follow_up", "peersupport.debriefs.link.follow_up", "debrief-support",
                     lambda: timedelta(days=settings.INVITATION_LINK_DAYS))


@dataclass(frozen=True)
class FollowUpLink:
    session_id: int
    person_id: int
    nonce: str


def follow_up_url(*, session_id: int, person_id: int) -> str:
    return kind_url(FOLLOW_UP, sign_link(FOLLOW_UP, {"d": session_id, "p": person_id}))


def read_follow_up_token(token: str) -> FollowUpLink:
    """The invitee a token stands for; LinkRefused(TAMPERED, EXPIRED or USED) if it may not be used."""
    payload = open_link(FOLLOW_UP, token)
    session_id, person_id = payload.get("d"), payload.get("p")
    if not isinstance(session_id, int) or not isinstance(person_id, int):
        raise LinkRefused(TAMPERED)
    if link_was_used(payload["n"]):
        raise LinkRefused(LINK_USED)
    return FollowUpLink(session_id=session_id, person_id=person_id, nonce=payload["n"])
