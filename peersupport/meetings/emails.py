"""The wording of the meeting emails: plain text, rendered from this app's templates."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from peersupport.meetings.models import Meeting
from peersupport.notifications.emails import first_name, render_plain_text


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    subject = render_plain_text(f"meetings/email/{name}_subject.txt", context)
    body = render_plain_text(f"meetings/email/{name}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def _when(meeting: Meeting) -> dict[str, str]:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    return {"day": f"{start:%A, %B} {start.day}, {start:%Y}", "start": f"{start:%H:%M}", "end": f"{end:%H:%M}",
            "zone": meeting.time_zone}


def render_meeting_email(kind: str, meeting: Meeting, *, name: str, rsvp_url: str) -> tuple[str, str]:
    """`kind`: "invitation", "update" or "cancellation"."""
    return _render(f"meeting_{kind}", {"meeting": meeting, "first_name": first_name(name), "rsvp_url": rsvp_url,
                                       **_when(meeting)})


def render_nudge_email(*, name: str) -> tuple[str, str]:
    return _render("missed_meetings", {"first_name": first_name(name),
                                       "site_url": f"{settings.SITE_URL}{reverse('home')}"})
