"""The RSVP link in a meeting invitation: a supporter answers yes, no or maybe without signing in.

The link may be used again to change the answer until the meeting ends. Its signature stays good
for `RSVP_LINK_DAYS` (longer than any meeting is scheduled ahead); the end of the meeting, which an
update may move, is checked against the meeting itself when the link is opened.
"""

from dataclasses import dataclass
from datetime import timedelta

from peersupport.support.links import TAMPERED, LinkKind, LinkRefused, kind_url, open_link, sign_link

RSVP_LINK_DAYS = 400
RSVP = LinkKind("meeting_rsvp", "peersupport.meetings.link.rsvp", "meeting-rsvp",
                lambda: timedelta(days=RSVP_LINK_DAYS))


@dataclass(frozen=True)
class RsvpLink:
    meeting_id: int
    supporter_id: int


def rsvp_url(*, meeting_id: int, supporter_id: int) -> str:
    return kind_url(RSVP, sign_link(RSVP, {"m": meeting_id, "s": supporter_id}))


def read_rsvp_token(token: str) -> RsvpLink:
    """The invitation a token stands for; LinkRefused(TAMPERED or EXPIRED) if it is not good."""
    payload = open_link(RSVP, token)
    meeting_id, supporter_id = payload.get("m"), payload.get("s")
    if not isinstance(meeting_id, int) or not isinstance(supporter_id, int):
        raise LinkRefused(TAMPERED)
    return RsvpLink(meeting_id=meeting_id, supporter_id=supporter_id)
