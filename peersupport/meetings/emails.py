"""The wording of the meeting emails: plain text, rendered from this app's templates, each in its
recipient's language (the program's when they have none)."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import pgettext

from peersupport.meetings.models import Meeting
from peersupport.notifications.emails import first_name, render_plain_text


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    # In the language the caller chose for its recipient (translation.override around the call).
    language = translation.get_language()
    subject = render_plain_text(f"meetings/email/{name}_subject.txt", context, recipient=language)
    body = render_plain_text(f"meetings/email/{name}_body.txt", context, recipient=language)
    return " ".join(subject.split()), body.strip() + "\n"


def _when(meeting: Meeting) -> dict[str, str]:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    # The day as the reader's language writes it: "Monday, March 1, 2027", "lunes, 1 de marzo de 2027".
    day = date_format(start, pgettext("the day of a meeting in an email", "l, F j, Y"))
    return {"day": day, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "zone": meeting.time_zone}


def render_meeting_email(kind: str, meeting: Meeting, *, name: str, rsvp_url: str,
                         language: str = "") -> tuple[str, str]:
    """`kind`: "invitation", "update" or "cancellation"."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return _render(f"meeting_{kind}", {"meeting": meeting, "first_name": first_name(name), "rsvp_url": rsvp_url,
                                           **_when(meeting)})


def render_nudge_email(*, name: str, language: str = "") -> tuple[str, str]:
    with translation.override(language or settings.LANGUAGE_CODE):
        return _render("missed_meetings", {"first_name": first_name(name),
                                           "site_url": f"{settings.SITE_URL}{reverse('home')}"})
