"""The group debrief's emails: plain text from this app's templates, each in its recipient's language.

Subjects stay neutral (no team, no event): they show on lock screens and in shared inboxes. Each
email to an invitee or a facilitator carries the session's calendar event (`meetings.ics`).
"""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from peersupport.debriefs.models import DebriefSession
from peersupport.meetings import ics
from peersupport.notifications.emails import first_name, render_plain_text
from peersupport.notifications.services import Attachment, Draft
from peersupport.roster.models import Person
from peersupport.support.pages import program_url

INVITATION, UPDATE, CANCELLATION, FOLLOW_UP = "invitation", "update", "cancellation", "follow_up"
PRODUCT_ID = "-//Peer Support Program//Group debriefs//EN"
FILE_NAME = "debrief.ics"


def language_of(person: Person) -> str:
    return getattr(person, "language", "") or settings.LANGUAGE_CODE


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    # In the language the caller chose for its recipient (translation.override around the call).
    language = translation.get_language()
    subject = render_plain_text(f"debriefs/email/{name}_subject.txt", context, recipient=language)
    body = render_plain_text(f"debriefs/email/{name}_body.txt", context, recipient=language)
    return " ".join(subject.split()), body.strip() + "\n"


def _context(session: DebriefSession, person: Person) -> dict[str, Any]:
    return {"session": session, "first_name": first_name(person.name), "team": session.team,
            "starts_at": timezone.localtime(session.starts_at), "ends_at": timezone.localtime(session.ends_at),
            "zone": session.time_zone, "support_url": f"{settings.SITE_URL}{program_url('', session.program)}"}


def calendar_event(session: DebriefSession) -> ics.CalendarEvent:
    return ics.CalendarEvent(uid=session.uid, sequence=session.sequence, starts_at=session.starts_at,
                             ends_at=session.ends_at, time_zone=session.time_zone,
                             summary=gettext("Group debrief"), place=session.place, product_id=PRODUCT_ID)


def session_draft(kind: str, session: DebriefSession, person: Person, *, facilitating: bool,
                  now: Any) -> Draft:
    """An invitation, an update or a cancellation, with the calendar event, to one person."""
    method = ics.CANCEL if kind == CANCELLATION else ics.REQUEST
    with translation.override(language_of(person)):
        context = {**_context(session, person), "facilitating": facilitating,
                   "session_url": f"{settings.SITE_URL}{reverse('debrief', args=[session.pk])}"}
        subject, body = _render(kind, context)
        attachment = Attachment(name=FILE_NAME, content_type=ics.content_type(method),
                                content=ics.event_ics(calendar_event(session), method=method,
                                                      attendee_email=person.email, now=now))
    return Draft(kind=f"debrief_{kind}", to=person.email, subject=subject, body=body, attachment=attachment)


def link_in_language_of(url: str, person: Person) -> str:
    """The link opens its page in the recipient's language: `?lang=` when theirs is not the default."""
    language = language_of(person)
    if language.split("-")[0] == settings.LANGUAGE_CODE.split("-")[0]:
        return url
    return f"{url}?lang={language}"


def follow_up_draft(session: DebriefSession, person: Person, *, link: str) -> Draft:
    """After the session: thanks, and the personal link to ask for one-to-one support."""
    with translation.override(language_of(person)):
        context = {**_context(session, person), "link": link_in_language_of(link, person),
                   "days": settings.INVITATION_LINK_DAYS}
        subject, body = _render(FOLLOW_UP, context)
    return Draft(kind="debrief_follow_up", to=person.email, subject=subject, body=body)
