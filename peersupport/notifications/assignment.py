"""How a supporter is told of a new peer: by email, by text, or both, as they chose.

The email names the peer, how to reach them and the event's sentence (`render_assignment_email`).
A text says only that there is a new peer and links the case: a phone's lock screen, a shared
phone or the gateway's logs must not learn who is being supported, or why.

A text goes to the phone on the supporter's roster entry. Without a number that can take texts,
or with no SMS gateway configured, the supporter is told by email instead, so no one misses a peer.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from peersupport.notifications.channels import text_address, text_messages_enabled
from peersupport.notifications.emails import render_assignment_email, render_plain_text
from peersupport.notifications.models import Channel
from peersupport.notifications.services import Draft
from peersupport.roster.models import NotifyBy

if TYPE_CHECKING:
    from peersupport.cases.models import Case
    from peersupport.roster.models import Supporter

ASSIGNMENT_KIND = "assignment"
# Only for the overview's list of set-aside messages: a text has no subject.
TEXT_SUBJECT = "A new peer to reach out to"


def render_assignment_text(case: "Case", supporter: "Supporter | None" = None) -> str:
    """The whole text, in the supporter's language: one fixed sentence and the case's link,
    nothing about the peer or the event."""
    return render_plain_text("notifications/assignment_text.txt",
                             {"case_url": f"{settings.SITE_URL}/cases/{case.pk}/"},
                             recipient=supporter or (case.supporter if case.supporter_id else None)).strip()


def text_unavailable_reason(supporter: "Supporter") -> str:
    """Why this supporter's choice of texts cannot be honored (they get email instead), or ""."""
    if supporter.notify_by == NotifyBy.EMAIL:
        return ""
    if not text_messages_enabled():
        return _("Text messages are not set up for the program, so new peers are told by email.")
    if not text_address(supporter.person.phone):
        return _("The roster entry has no mobile number that can take texts, so new peers are told by email "
                 "until the program office adds one (in international form, such as +1 555 010 0123).")
    return ""


def assignment_channels(supporter: "Supporter") -> list[str]:
    """The channels the supporter is told by, falling back to email when a text cannot go."""
    wants_text = supporter.notify_by in (NotifyBy.TEXT, NotifyBy.BOTH) and not text_unavailable_reason(supporter)
    wants_email = supporter.notify_by in (NotifyBy.EMAIL, NotifyBy.BOTH) or not wants_text
    if wants_text and not supporter.person.email:
        # Told by text alone rather than not at all.
        wants_email = False
    return [channel for channel, wanted in ((Channel.EMAIL, wants_email), (Channel.TEXT, wants_text)) if wanted]


def assignment_drafts(case: "Case", supporter: "Supporter") -> list[Draft]:
    """The outbox messages that tell `supporter` of `case`, as they chose."""
    drafts = []
    for channel in assignment_channels(supporter):
        if channel == Channel.TEXT:
            drafts.append(Draft(ASSIGNMENT_KIND, text_address(supporter.person.phone), TEXT_SUBJECT,
                                render_assignment_text(case, supporter), case=case, channel=Channel.TEXT))
        else:
            subject, body = render_assignment_email(case, supporter=supporter)
            drafts.append(Draft(ASSIGNMENT_KIND, supporter.person.email, subject, body, case=case))
    return drafts
