"""Every change to the publicity checklist: one service each, in one transaction, audited.

Nothing here emails anyone: the checklist is the program staff's own record.
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.publicity.models import PLACE_NAME_MAX_LENGTH, PublicityDate, PublicityPlace

# A date from before the program could have existed is a typing slip, not history.
OLDEST_YEARS = 20


def place_add(*, actor: object, name: str) -> PublicityPlace:
    """Add a place to publicize (e.g. "Nursing town hall") to the end of the checklist."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Give the place a name."))
    if len(name) > PLACE_NAME_MAX_LENGTH:
        raise InvalidInput(_("Keep the name to %(count)s characters.") % {"count": PLACE_NAME_MAX_LENGTH})
    with transaction.atomic():
        if PublicityPlace.objects.filter(name__iexact=name).exists():
            raise Conflict(_("“%(name)s” is already on the checklist.") % {"name": name})
        last = PublicityPlace.objects.aggregate(last=Max("position"))["last"] or 0
        try:
            with transaction.atomic():
                place = PublicityPlace.objects.create(name=name, position=last + 1)
        except IntegrityError as exc:  # someone added the same name a moment before
            raise Conflict(_("“%(name)s” is already on the checklist.") % {"name": name}) from exc
        audit_record(actor=actor, action="publicity.place_add", obj=place)
    return place


def date_add(*, actor: object, place_id: int, done_on: date, today: date | None = None) -> PublicityDate:
    """Tick a place off for one day: the program was presented there then."""
    today = today or timezone.localdate()
    if done_on > today:
        raise InvalidInput(_("Tick a place off once it is done: choose today or a day before."))
    if done_on < today - timedelta(days=365 * OLDEST_YEARS):
        raise InvalidInput(_("Choose a day within the last %(count)s years.") % {"count": OLDEST_YEARS})
    with transaction.atomic():
        place = PublicityPlace.objects.filter(pk=place_id).first()
        if place is None:
            raise InvalidInput(_("That place is no longer on the checklist."))
        try:
            with transaction.atomic():
                ticked = PublicityDate.objects.create(place=place, done_on=done_on,
                                                      recorded_by=actor if isinstance(actor, User) else None)
        except IntegrityError as exc:
            day = f"{done_on:%B} {done_on.day}, {done_on.year}"
            raise Conflict(_("%(place)s is already ticked off on %(day)s.")
                           % {"place": place.name, "day": day}) from exc
        audit_record(actor=actor, action="publicity.date_add", obj=ticked,
                     detail={"place": place.name, "done_on": done_on.isoformat()})
    return ticked


def date_remove(*, actor: object, date_id: int) -> None:
    """Take back a tick recorded by mistake."""
    with transaction.atomic():
        ticked = PublicityDate.objects.select_related("place").select_for_update().filter(pk=date_id).first()
        if ticked is None:
            raise Conflict(_("That date was already taken off the checklist."))
        detail = {"place": ticked.place.name, "done_on": ticked.done_on.isoformat()}
        audit_record(actor=actor, action="publicity.date_remove", object_type="publicitydate", object_id=ticked.pk,
                     detail=detail)
        ticked.delete()
