"""Every change to a program's publicity checklist: one service each, in one transaction, audited.

Each program keeps its own checklist; a service changes only the named program's places and
dates (another program's is, here, one that does not exist). Nothing here emails anyone: the
checklist is the program staff's own record.
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.publicity.models import PLACE_NAME_MAX_LENGTH, PublicityDate, PublicityPlace

# A date from before the program could have existed is a typing slip, not history.
OLDEST_YEARS = 20
# The places every program starts with (as the migrations wrote them), in their order.
# Stored in English; shown in the reader's language (`PublicityPlace.label`).
STARTING_PLACES = [
    gettext_noop("Grand rounds"),
    gettext_noop("Department meetings"),
    gettext_noop("Newsletters"),
    gettext_noop("New-staff orientation"),
    gettext_noop("Event reviews (root cause analyses, morbidity and mortality conferences)"),
]


def publicity_places_start(program_id: int) -> None:
    """Give a new program the five places every program starts with (safe to run again)."""
    for position, name in enumerate(STARTING_PLACES, start=1):
        PublicityPlace.objects.get_or_create(program_id=program_id, name=name,
                                             defaults={"built_in": True, "position": position})


def place_add(*, actor: object, program_id: int, name: str) -> PublicityPlace:
    """Add a place to publicize (e.g. "Nursing town hall") to the end of a program's checklist."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Give the place a name."))
    if len(name) > PLACE_NAME_MAX_LENGTH:
        raise InvalidInput(_("Keep the name to %(count)s characters.") % {"count": PLACE_NAME_MAX_LENGTH})
    with transaction.atomic():
        places = PublicityPlace.objects.filter(program_id=program_id)
        if places.filter(name__iexact=name).exists():
            raise Conflict(_("“%(name)s” is already on the checklist.") % {"name": name})
        last = places.aggregate(last=Max("position"))["last"] or 0
        try:
            with transaction.atomic():
                place = PublicityPlace.objects.create(program_id=program_id, name=name, position=last + 1)
        except IntegrityError as exc:  # someone added the same name a moment before
            raise Conflict(_("“%(name)s” is already on the checklist.") % {"name": name}) from exc
        audit_record(actor=actor, action="publicity.place_add", obj=place)
    return place


def date_add(*, actor: object, program_id: int, place_id: int, done_on: date,
             today: date | None = None) -> PublicityDate:
    """Tick a place of the program's checklist off for one day: the program was presented there then."""
    today = today or timezone.localdate()
    if done_on > today:
        raise InvalidInput(_("Tick a place off once it is done: choose today or a day before."))
    if done_on < today - timedelta(days=365 * OLDEST_YEARS):
        raise InvalidInput(_("Choose a day within the last %(count)s years.") % {"count": OLDEST_YEARS})
    with transaction.atomic():
        place = PublicityPlace.objects.filter(pk=place_id, program_id=program_id).first()
        if place is None:
            raise InvalidInput(_("That place is no longer on the checklist."))
        try:
            with transaction.atomic():
                ticked = PublicityDate.objects.create(place=place, done_on=done_on,
                                                      recorded_by=actor if isinstance(actor, User) else None)
        except IntegrityError as exc:
            day = date_format(done_on, _("F j, Y"))
            raise Conflict(_("%(place)s is already ticked off on %(day)s.")
                           % {"place": place.label, "day": day}) from exc
        audit_record(actor=actor, action="publicity.date_add", obj=ticked,
                     detail={"place": place.name, "done_on": done_on.isoformat()})
    return ticked


def date_remove(*, actor: object, program_id: int, date_id: int) -> None:
    """Take back a tick of the program's checklist recorded by mistake."""
    with transaction.atomic():
        ticked = (PublicityDate.objects.select_related("place").select_for_update(of=("self",))
                  .filter(pk=date_id, place__program_id=program_id).first())
        if ticked is None:
            raise Conflict(_("That date was already taken off the checklist."))
        detail = {"place": ticked.place.name, "done_on": ticked.done_on.isoformat()}
        audit_record(actor=actor, action="publicity.date_remove", object_type="publicitydate", object_id=ticked.pk,
                     detail=detail)
        ticked.delete()
