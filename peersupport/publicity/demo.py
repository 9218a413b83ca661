"""The demo's publicity checklist: a year of talks, newsletters and event reviews, so the
referrals-by-source chart has its publicity marks beside the demo's referrals."""

from datetime import datetime, timedelta

from django.utils import timezone

from peersupport.accounts.models import User
from peersupport.publicity.models import PublicityPlace
from peersupport.publicity.services import date_add, place_add

# (place, days ago): each time the program was presented there.
TICKS = [
    ("Grand rounds", 300),
    ("Grand rounds", 95),
    ("Department meetings", 240),
    ("Department meetings", 60),
    ("Newsletters", 270),
    ("Newsletters", 150),
    ("Newsletters", 45),
    ("New-staff orientation", 210),
    ("New-staff orientation", 30),
    ("Nursing town hall", 120),
]
EVENT_REVIEW_DAYS_AGO = [180, 75, 12]


def demo_publicity(*, director: User, administrator: User, now: datetime | None = None,
                   ticks: list[tuple[str, int]] | None = None,
                   event_review_days_ago: list[int] | None = None) -> None:
    """The director's program's checklist: a place of its own and the times it was presented."""
    today = timezone.localdate(now or timezone.now())
    program_id = director.program_pk
    place_add(actor=director, program_id=program_id, name="Nursing town hall")
    own = PublicityPlace.objects.filter(program_id=program_id)
    event_reviews = own.get(name__startswith="Event reviews")
    places = {place.name: place.pk for place in own}
    for name, days_ago in TICKS if ticks is None else ticks:
        date_add(actor=administrator, program_id=program_id, place_id=places[name],
                 done_on=today - timedelta(days=days_ago), today=today)
    for days_ago in EVENT_REVIEW_DAYS_AGO if event_review_days_ago is None else event_review_days_ago:
        date_add(actor=administrator, program_id=program_id, place_id=event_reviews.pk,
                 done_on=today - timedelta(days=days_ago), today=today)
