"""The demo's meetings: two past quarterly meetings with answers and attendance, one coming up with
answers coming in. Everything goes through the services, each at the time it "happened"."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from peersupport.accounts.models import User
from peersupport.meetings.links import RsvpLink
from peersupport.meetings.models import Invitation, Rsvp
from peersupport.meetings.services import (
    MeetingInput,
    meeting_record_attendance,
    meeting_rsvp,
    meeting_schedule,
    meetings_nudge_missed,
)

SEED = 4  # the same meetings every time; nothing secret is drawn
# (title, days from now, place)
MEETINGS = (
    ("Summer supporter meeting", -120, "Cafeteria meeting room, Riverside General"),
    ("Autumn supporter meeting", -30, "Education center, room 2"),
    ("Winter supporter meeting", 21, "Education center, room 2"),
)


def demo_meetings(*, director: User, now: datetime) -> None:
    rng = random.Random(SEED)  # nosec B311
    for title, days, place in MEETINGS:
        day = timezone.localtime(now + timedelta(days=days))
        starts_at = day.replace(hour=17, minute=30, second=0, microsecond=0)
        scheduled = min(now, starts_at - timedelta(days=28))
        meeting = meeting_schedule(actor=director, now=scheduled, data=MeetingInput(
            title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), place=place))
        invited = list(Invitation.objects.filter(meeting=meeting).order_by("pk").values_list("supporter_id",
                                                                                              flat=True))
        came = set()
        for index, supporter_id in enumerate(invited):
            draw = rng.random()
            if days > 0 and draw < 0.35:
                continue  # not answered yet
            # The first two of the team have missed the last two meetings: the nudge shows.
            answer = Rsvp.NO if index < 2 and days < 0 else Rsvp.YES if draw < 0.75 else rng.choice([Rsvp.MAYBE,
                                                                                                     Rsvp.NO])
            meeting_rsvp(link=RsvpLink(meeting_id=meeting.pk, supporter_id=supporter_id), answer=answer,
                         now=scheduled + timedelta(days=rng.randint(1, 20)))
            if answer == Rsvp.YES or (answer == Rsvp.MAYBE and rng.random() < 0.5):
                came.add(supporter_id)
        if days < 0:
            meeting_record_attendance(actor=director, meeting_id=meeting.pk, attended=came,
                                      now=starts_at + timedelta(days=1))
    meetings_nudge_missed(now)
